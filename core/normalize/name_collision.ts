/**
 * Reports of keys that became the same column or child table (see the normalizer): what one
 * says and how it reads.
 *
 * @module
 */

/** Two keys of one row that became the same name, and which value stayed. */
export interface NameCollision {
  /** The resource whose record it was. */
  resource: string;
  /** The table of the row. */
  table: string;
  /**
   * `column`: both keys became column `name`; `table`: both held lists, which became child
   * table `name`; `system_column`: the key became dlt's system column `name`, whose own value
   * stays.
   */
  kind: "column" | "table" | "system_column";
  /** The column or child table. */
  name: string;
  /**
   * The key whose value stayed, as a JSON pointer into the row (`/a/b`: key `b` of the object
   * at key `a`); none for `system_column`.
   */
  kept?: string;
  /** The key whose value was dropped, as a JSON pointer into the row. */
  dropped: string;
}

/**
 * The warning for a collision, naming both keys, the column (or child table), the table and
 * the resource.
 *
 * @example Usage
 * ```ts
 * import { describeCollision } from "./name_collision.ts";
 * describeCollision({
 *   resource: "users", table: "users", kind: "column", name: "user_name",
 *   kept: "/user_name", dropped: "/userName",
 * });
 * // 'Keys "/userName" and "/user_name" of resource "users" both become column "user_name" of
 * // table "users": where a row has both, the value of "/user_name" is kept and the other dropped'
 * ```
 *
 * @param collision The collision.
 * @returns One sentence.
 */
export function describeCollision(collision: NameCollision): string {
  const { resource, table, name, kept, dropped } = collision;
  const where = `of resource "${resource}"`;
  switch (collision.kind) {
    case "column":
      return `Keys "${dropped}" and "${kept}" ${where} both become column "${name}" of table ` +
        `"${table}": where a row has both, the value of "${kept}" is kept and the other dropped`;
    case "table":
      return `Lists "${dropped}" and "${kept}" ${where} both become child table "${name}" of ` +
        `table "${table}": where a row has both, the items of "${kept}" are kept and the ` +
        "other list dropped";
    case "system_column":
      return `Key "${dropped}" ${where} becomes dlt's system column "${name}" of table ` +
        `"${table}": the system value is kept and the key's value dropped`;
  }
}
