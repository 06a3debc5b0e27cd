/**
 * What the OpenAPI modules pass between them: a loaded spec (always in OpenAPI 3.1's shape,
 * `$ref`s resolved) and its GET operations. Spec objects stay loosely typed (`SpecObject`):
 * real specs are often sloppy, so each rule reads what it needs and checks it.
 *
 * @module
 */

/** A JSON object of the spec. */
export type SpecObject = Record<string, unknown>;

/** A JSON Schema of the spec (OpenAPI 3.1 dialect; 2.0 and 3.0 specs are upgraded to it). */
export type Schema = SpecObject;

/** Where a spec came from: a local file (read offline) or a URL (fetched). */
export type SpecSource =
  | { kind: "file"; path: string }
  | { kind: "url"; url: string };

/** A loaded spec. */
export interface OpenApiSpec {
  /** The document in OpenAPI 3.1's shape, every `$ref` resolved (it may hold cycles). */
  document: SpecObject;
  /** The version as written: `2.0`, `3.0.3`, `3.1.0`. */
  version: string;
  source: SpecSource;
  /** `info.title`, or the file name. */
  title: string;
}

/** Where a parameter goes. */
export type ParameterLocation = "path" | "query" | "header" | "cookie";

/** An operation's parameter (path-level and operation-level merged). */
export interface Parameter {
  name: string;
  in: ParameterLocation;
  required: boolean;
  schema?: Schema;
  description?: string;
}

/** A GET operation of the spec: a candidate resource. */
export interface Operation {
  /** The path as in the spec: `/repos/{owner}/{repo}/issues`. */
  path: string;
  /** The resource name derived from the path, unique in the spec: `issues`. */
  name: string;
  operationId?: string;
  summary?: string;
  description?: string;
  deprecated: boolean;
  parameters: Parameter[];
  /** The operation's `responses` object. */
  responses: SpecObject;
  /** The operation's own `security`, when it has one (else the spec's applies). */
  security?: SpecObject[];
}
