/**
 * From an OpenAPI spec (3.0, 3.1 or Swagger 2.0) to a dltx connector: load and check the spec,
 * list its GET operations, derive a connector (base URL, auth, resources with their paging,
 * data selectors, primary keys, parents and incremental hints), and write it as YAML or TS with
 * comments, plus a docs file for the AI workflow. Used by `dltx init --openapi`.
 *
 * @module
 */

export * from "./types.ts";
export * from "./load.ts";
export * from "./operations.ts";
export * from "./servers.ts";
export * from "./response.ts";
export * from "./primary_key.ts";
export * from "./paginator.ts";
export * from "./auth.ts";
export * from "./parents.ts";
export * from "./incremental.ts";
export * from "./annotations.ts";
export * from "./derive.ts";
export * from "./render_yaml.ts";
export * from "./render_ts.ts";
export * from "./docs.ts";
