/**
 * The config fields a generated connector reads, collected from the servers, the auth and the
 * params of its endpoints: one field per name, named as a `{placeholder}` may be.
 *
 * @module
 */

import type { ConfigField } from "../source/mod.ts";
import { snakeCase } from "./_names.ts";

/** Names a placeholder reads as something else (`{resources.x.y}`, `{incremental.z}`). */
const RESERVED = new Set(["resources", "incremental"]);

/** Collects config fields. */
export class ConfigFields {
  readonly fields: Record<string, ConfigField> = {};

  /**
   * Adds a field, or finds the one of that name; two params of the same name (`owner` in
   * several paths) share one field.
   *
   * @param wanted the spec's name (`issue-number`), made a field name (`issue_number`).
   * @param field its doc, default and secret flag, used when the field is new.
   * @returns the field's name.
   */
  add(wanted: string, field: ConfigField): string {
    let name = snakeCase(wanted) || "param";
    if (RESERVED.has(name)) name = `${name}_param`;
    if (!(name in this.fields)) this.fields[name] = field;
    return name;
  }

  /** Adds fields under their own names (auth, servers), keeping any already there. */
  addAll(fields: Record<string, ConfigField>): void {
    for (const [name, field] of Object.entries(fields)) {
      if (!(name in this.fields)) this.fields[name] = field;
    }
  }
}
