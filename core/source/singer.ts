/**
 * A Singer tap's output as a source (`tap-x | dltx load - --format singer`): SCHEMA messages
 * declare streams (one table each, `key_properties` as primary key, JSON Schema types as
 * column hints), RECORD messages are their rows, and the last STATE message is kept for the
 * pipeline state, committed with the load. Also the Singer message types `dltx run --to jsonl
 * --format singer` writes.
 *
 * @module
 */

import { DataError } from "../errors.ts";
import { type Logger, silentLogger } from "../log.ts";
import type { DataType } from "../schema/types.ts";
import { readJsonLines } from "./_json_lines.ts";
import { loadResourceInfo } from "./_load_resource.ts";
import type { JsonlInput, LoadHints } from "./jsonl_source.ts";
import type { ColumnHint, ExtractOptions, ResourceInfo, ResourcePage, Source } from "./types.ts";

/** A JSON Schema (draft 4 and later, as Singer uses it). */
export interface JsonSchema {
  type?: string | string[];
  format?: string;
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  [key: string]: unknown;
}

/** Key of the last Singer STATE message in the source state (`sources.<source>.singer_state`). */
export const SINGER_STATE_KEY = "singer_state";

/** Options of {@linkcode singerSource}. */
export interface SingerSourceOptions extends LoadHints {
  /** The source (and schema) name. */
  name: string;
  /** Read one after the other. */
  inputs: JsonlInput[];
  /**
   * The source's state from the last committed load (`sources.<name>`); `state()` returns it
   * with the last STATE message of this run under {@linkcode SINGER_STATE_KEY}.
   */
  state?: Record<string, unknown>;
  /** Warned about skipped message types. @default silentLogger */
  logger?: Logger;
}

/**
 * Builds a source reading Singer messages. Streams become resources as their SCHEMA arrives:
 * `resources` grows during `extract()`, and every page carries its resource's `info`.
 * `primaryKey`, when given, replaces every stream's `key_properties`. A later SCHEMA of a
 * stream changes its hints for the records after it. Message types other than SCHEMA,
 * RECORD and STATE are skipped with one warning per type.
 *
 * @example Usage
 * ```ts
 * import { singerSource, streamInput } from "./mod.ts";
 * const lines = [
 *   { type: "SCHEMA", stream: "users", schema: { properties: {} }, key_properties: ["id"] },
 *   { type: "RECORD", stream: "users", record: { id: 1 } },
 *   { type: "STATE", value: { users: 1 } },
 * ].map((m) => JSON.stringify(m) + "\n").join("");
 * const source = singerSource({
 *   name: "load_singer",
 *   inputs: [streamInput(ReadableStream.from([new TextEncoder().encode(lines)]))],
 * });
 * for await (const page of source.extract()) page.records; // [{id: 1}]
 * source.state?.(); // { singer_state: { users: 1 } }
 * ```
 * @param options inputs, how rows are written, committed state
 * @returns the source; `extract()` can run once, as its inputs are streams
 * @throws {DataError} from `extract()`: malformed JSON or message, naming the line, or a
 * RECORD before the SCHEMA of its stream
 */
export function singerSource(options: SingerSourceOptions): Source {
  const logger = options.logger ?? silentLogger;
  const committed = structuredClone(options.state ?? {});
  const resources: ResourceInfo[] = [];
  const stats: Record<string, { requests: number; pages: number; records: number }> = {};
  let lastState: { value: unknown } | undefined;

  async function* extract(extractOptions: ExtractOptions = {}): AsyncGenerator<ResourcePage> {
    const only = extractOptions.resources?.length ? new Set(extractOptions.resources) : undefined;
    const streams = new Map<string, StreamState>();
    const skipped = new Set<string>();
    for (const input of options.inputs) {
      let line = 0;
      const at = () => `Line ${line} of ${input.name}`;
      const stream = await input.open();
      const batches = readJsonLines(stream, { name: input.name, signal: extractOptions.signal });
      for await (const { values, lines } of batches) {
        let page: ResourcePage | undefined;
        const pages: ResourcePage[] = [];
        for (let i = 0; i < values.length; i++) {
          line = lines[i];
          const message = values[i] as Record<string, unknown>;
          if (message === null || typeof message !== "object" || Array.isArray(message)) {
            throw new DataError(`${at()} is not a Singer message: expected a JSON object`);
          }
          switch (message.type) {
            case "RECORD": {
              const name = streamName(message, at);
              const state = streams.get(name);
              if (state === undefined) {
                throw new DataError(
                  `${at()} is a RECORD of stream "${name}" before any SCHEMA message of it`,
                );
              }
              const record = message.record;
              if (record === null || typeof record !== "object" || Array.isArray(record)) {
                throw new DataError(`${at()} is a RECORD without a "record" object`);
              }
              if (only && !only.has(name)) break;
              if (page?.info !== state.info) {
                page = { resource: name, records: [], info: state.info };
                pages.push(page);
              }
              page.records.push(record);
              break;
            }
            case "SCHEMA": {
              const name = streamName(message, at);
              const info = streamInfo(name, message, options, at);
              const key = JSON.stringify([info.primaryKey, info.columns]);
              const known = streams.get(name);
              // Taps repeat SCHEMA messages; only a changed one makes a new resource info.
              if (known?.key === key) break;
              streams.set(name, { info, key });
              const index = resources.findIndex((r) => r.name === name);
              if (index === -1) resources.push(info);
              else resources[index] = info;
              break;
            }
            case "STATE":
              lastState = { value: message.value };
              break;
            default: {
              const type = String(message.type);
              if (!skipped.has(type)) {
                skipped.add(type);
                logger.warn(
                  `${at()} is a Singer message of type ${JSON.stringify(message.type)}, ` +
                    `skipped: dltx loads SCHEMA, RECORD and STATE messages (further ones of ` +
                    `this type are skipped silently)`,
                );
              }
            }
          }
        }
        for (const p of pages) {
          const s = stats[p.resource] ??= { requests: 0, pages: 0, records: 0 };
          s.pages++;
          s.records += p.records.length;
          yield p;
        }
      }
    }
  }

  return {
    name: options.name,
    resources,
    extract,
    state: () => {
      const state = structuredClone(committed);
      if (lastState) state[SINGER_STATE_KEY] = structuredClone(lastState.value);
      return state;
    },
    stats: () => structuredClone(stats),
  };
}

interface StreamState {
  info: ResourceInfo;
  /** Primary key and column hints, to tell a changed SCHEMA from a repeated one. */
  key: string;
}

function streamName(message: Record<string, unknown>, at: () => string): string {
  const stream = message.stream;
  if (typeof stream !== "string" || stream === "") {
    throw new DataError(
      `${at()} is a ${message.type} message without a "stream" name (got ${
        JSON.stringify(stream) ?? "nothing"
      })`,
    );
  }
  return stream;
}

/** The resource of a stream from its SCHEMA message. */
function streamInfo(
  name: string,
  message: Record<string, unknown>,
  hints: LoadHints,
  at: () => string,
): ResourceInfo {
  const schema = message.schema;
  if (schema === null || typeof schema !== "object" || Array.isArray(schema)) {
    throw new DataError(`${at()} is a SCHEMA message of stream "${name}" without a "schema"`);
  }
  const keys = message.key_properties ?? [];
  if (!Array.isArray(keys) || !keys.every((k) => typeof k === "string")) {
    throw new DataError(
      `${at()}: "key_properties" of stream "${name}" must be a list of property names, got ${
        JSON.stringify(keys)
      }`,
    );
  }
  const info = loadResourceInfo(name, name, {
    ...hints,
    primaryKey: hints.primaryKey ?? keys as string[],
  });
  const columns = columnHints(schema as JsonSchema);
  if (columns) info.columns = columns;
  return info;
}

/**
 * Column hints from the top-level properties of a stream's JSON Schema: a property with one
 * type besides `null` gets that type (`integer` bigint, `number` double, `boolean` bool,
 * `string` text, or timestamp / date by `format`). Objects and lists are left to the
 * normalizer (flattened columns, child tables); union types to type inference.
 */
function columnHints(schema: JsonSchema): Record<string, ColumnHint> | undefined {
  const properties = schema.properties;
  if (properties === null || typeof properties !== "object") return undefined;
  let hints: Record<string, ColumnHint> | undefined;
  for (const [key, property] of Object.entries(properties)) {
    const dataType = dataTypeOf(property);
    if (dataType !== undefined) (hints ??= {})[key] = { data_type: dataType };
  }
  return hints;
}

function dataTypeOf(property: unknown): DataType | undefined {
  if (property === null || typeof property !== "object") return undefined;
  // `anyOf: [{type: "string", format: "date-time"}, {type: "null"}]` is as common as `type`.
  const members = Array.isArray((property as JsonSchema).anyOf)
    ? (property as JsonSchema).anyOf!
    : [property as JsonSchema];
  const found: { type: string; format?: string }[] = [];
  for (const member of members) {
    if (member === null || typeof member !== "object") return undefined;
    const types = typeof member.type === "string"
      ? [member.type]
      : Array.isArray(member.type)
      ? member.type
      : undefined;
    if (types === undefined) return undefined;
    for (const type of types) {
      if (type !== "null") found.push({ type: String(type), format: member.format });
    }
  }
  if (found.length !== 1) return undefined;
  const [{ type, format }] = found;
  switch (type) {
    case "integer":
      return "bigint";
    case "number":
      return "double";
    case "boolean":
      return "bool";
    case "string":
      return format === "date-time" ? "timestamp" : format === "date" ? "date" : "text";
    default:
      return undefined;
  }
}
