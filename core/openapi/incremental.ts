/**
 * Incremental hints: a query param that filters by change time or id (`since`,
 * `updated_after`, `modified_since`, ...) and a record field to use as the cursor give dlt's
 * `{type: incremental, cursor_path, initial_value}` param. It is only a hint: the generated
 * connector keeps it commented out, as a first run without incremental loading is easier to
 * check.
 *
 * @module
 */

import type { IncrementalParam } from "../source/mod.ts";
import { snakeCase } from "./_names.ts";
import { objectShape, schemaTypes } from "./_schema.ts";
import type { Operation, Schema } from "./types.ts";

/** A param that looks like an incremental filter, and the cursor to go with it. */
export interface IncrementalHint {
  /** The query param (`since`). */
  param: string;
  /** The param value that makes it incremental; `undefined` when no cursor field was found. */
  value?: IncrementalParam;
  /** Why, or what is missing. */
  reason: string;
}

/** Params that filter by change time, snake_cased. */
const TIME_PARAM =
  /^(since|updated_since|updated_after|updated_from|modified_since|modified_after|changed_since|changed_after|last_modified_since|if_modified_since|min_updated_at|updated_at_gte|updated_at_gt|updated_at_min|start_updated_at|from_updated_at|since_updated_at)$/;
/** Params that filter by creation time. */
const CREATED_PARAM =
  /^(created_since|created_after|created_at_gte|created_at_min|min_created_at)$/;
/** Params that filter by id (`since_id`, and GitHub's integer `since`). */
const ID_PARAM = /^(since_id|after_id|min_id|starting_after_id)$/;

const UPDATED_FIELDS = [
  "updated_at",
  "updatedAt",
  "modified_at",
  "modifiedAt",
  "last_modified",
  "lastModified",
  "date_modified",
  "dateModified",
  "updated",
  "modified",
  "last_updated",
  "lastUpdated",
  "changed_at",
];
const CREATED_FIELDS = ["created_at", "createdAt", "created", "date_created", "dateCreated"];

/**
 * Looks for an incremental filter param of an operation.
 *
 * @example Usage
 * ```ts
 * import { incrementalHint } from "./incremental.ts";
 * const hint = incrementalHint(
 *   { path: "/issues", name: "issues", deprecated: false, responses: {},
 *     parameters: [{ name: "since", in: "query", required: false, schema: { type: "string", format: "date-time" } }] },
 *   { properties: { updated_at: { type: "string", format: "date-time" } } },
 * );
 * hint?.value?.cursor_path; // "updated_at"
 * ```
 * @param operation the operation.
 * @param item the schema of its records.
 * @returns the hint, or `undefined` when no param looks like one.
 */
export function incrementalHint(
  operation: Operation,
  item: Schema | undefined,
): IncrementalHint | undefined {
  const params = operation.parameters.filter((p) => p.in === "query");
  const fields = Object.keys(objectShape(item).properties);
  for (const param of params) {
    const snake = snakeCase(param.name);
    const types = schemaTypes(param.schema);
    const numeric = types.includes("integer") || types.includes("number");
    const byId = ID_PARAM.test(snake) || (snake === "since" && numeric);
    const byCreation = CREATED_PARAM.test(snake);
    if (!byId && !byCreation && !TIME_PARAM.test(snake)) continue;
    const candidates = byId ? ["id"] : byCreation ? CREATED_FIELDS : UPDATED_FIELDS;
    const cursor = candidates.find((c) => fields.includes(c));
    if (cursor === undefined) {
      return {
        param: param.name,
        reason: `the "${param.name}" param looks like an incremental filter, but its records ` +
          `document no ${byId ? "id" : byCreation ? "creation time" : "change time"} field ` +
          "to use as the cursor",
      };
    }
    const format = param.schema?.format;
    const initial = byId || numeric ? 0 : format === "date" ? "1970-01-01" : "1970-01-01T00:00:00Z";
    return {
      param: param.name,
      value: { type: "incremental", cursor_path: cursor, initial_value: initial },
      reason: `the "${param.name}" param filters by ${
        byId ? "id" : byCreation ? "creation time" : "change time"
      }, and the records' "${cursor}" is the matching cursor`,
    };
  }
  return undefined;
}
