/**
 * `dltx pipeline <name> schema [--format yaml|json|table] [--schema <name>]`: the stored
 * schema of a pipeline. YAML and JSON print the schema document alone (so it can be piped), as
 * dlt stores it (with `settings`, `normalizers` and the `_dlt_*` tables); `table` prints each
 * data table with its columns' data types, nullability and hints.
 *
 * @module
 */

import { UserError } from "../errors.ts";
import { toStoredSchema } from "../schema/mod.ts";
import type { Column, Schema, Table } from "../schema/types.ts";
import type { CliContext } from "./context.ts";
import { formatJson, formatYaml } from "./_format_json.ts";
import { formatTable } from "./_format_table.ts";
import { foundLine, openPipelineFolder, readPipelineSchema } from "./_pipelines.ts";

/** Options of `dltx pipeline <name> schema`. */
export interface PipelineSchemaOptions {
  /** `yaml`, `json` or `table`. @default "yaml" */
  format?: string;
  /** The schema to print. @default the pipeline's default schema */
  schema?: string;
}

const FORMATS = ["yaml", "json", "table"];

/** Column flags printed as hints, in this order. */
const HINTS = [
  "primary_key",
  "merge_key",
  "unique",
  "row_key",
  "parent_key",
  "root_key",
  "variant",
  "hard_delete",
  "incremental",
] as const;

/**
 * Prints a stored schema of the pipeline to stdout.
 *
 * @returns the exit code
 * @throws {UserError} when the pipeline or schema does not exist or the format is unknown
 */
export async function pipelineSchemaCommand(
  ctx: CliContext,
  name: string,
  options: PipelineSchemaOptions = {},
): Promise<number> {
  const format = options.format ?? "yaml";
  if (!FORMATS.includes(format)) {
    throw new UserError(
      `Unknown schema format "${format}" for --format; expected one of ${FORMATS.join(", ")}`,
    );
  }
  const folder = await openPipelineFolder(ctx, name);
  const schema = await readPipelineSchema(folder, options.schema);
  const out = format === "yaml"
    ? formatYaml(toStoredSchema(schema))
    : format === "json"
    ? formatJson(toStoredSchema(schema))
    : foundLine(folder) + formatSchemaTables(schema);
  ctx.stdout.write(out);
  return 0;
}

/** Every table of `schema` with a line about the table and a table of its columns. */
export function formatSchemaTables(schema: Schema): string {
  let out = `Schema ${schema.name}, version ${schema.version}, hash ${schema.version_hash}\n`;
  const tables = Object.values(schema.tables);
  if (tables.length === 0) return out + "\nThe schema has no tables yet.\n";
  for (const table of tables) {
    out += `\n${table.name} (${tableDescription(table)})\n`;
    out += formatTable(
      Object.values(table.columns).map((column) => ({
        column: column.name,
        data_type: column.data_type,
        nullable: column.nullable,
        hints: columnHints(column),
      })),
      { footer: false, indent: "  " },
    );
  }
  return out;
}

function tableDescription(table: Table): string {
  if (table.parent !== undefined) return `child of ${table.parent}`;
  const parts = [`resource ${table.resource ?? table.name}`];
  parts.push(`write disposition ${table.write_disposition ?? "append"}`);
  if (table.write_disposition === "merge") {
    parts.push(`merge strategy ${table.merge_strategy ?? "delete-insert"}`);
  }
  const contract = table.schema_contract;
  if (contract) {
    parts.push(
      `contract tables=${contract.tables} columns=${contract.columns} ` +
        `data_type=${contract.data_type}`,
    );
  }
  return parts.join(", ");
}

function columnHints(column: Column): string {
  const hints: string[] = HINTS.filter((hint) => column[hint] === true);
  if (column.dedup_sort) hints.push(`dedup_sort=${column.dedup_sort}`);
  return hints.join(", ");
}
