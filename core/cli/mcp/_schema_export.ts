/**
 * A pipeline schema as a diagram, for `export_schema`: a Mermaid ER diagram or DBML, each
 * data table with its columns (type, primary key, not null) and each child table linked to its
 * parent through `_dlt_parent_id` -> `_dlt_id`. dlt's own `_dlt_*` tables are left out.
 *
 * @module
 */

import type { Column, Schema, Table } from "../../schema/types.ts";

/** Options of the exports. */
export interface DiagramOptions {
  /** Tables and links only. @default false */
  hideColumns?: boolean;
}

function dataTables(schema: Schema): Table[] {
  return Object.values(schema.tables).filter((t) => !t.name.startsWith("_dlt_"));
}

/** The schema as a Mermaid `erDiagram`. */
export function schemaMermaid(schema: Schema, options: DiagramOptions = {}): string {
  const name = (n: string) => /^[A-Za-z_][\w-]*$/.test(n) ? n : `"${n.replaceAll('"', "'")}"`;
  const lines = ["erDiagram"];
  const tables = dataTables(schema);
  for (const table of tables) {
    if (options.hideColumns) {
      lines.push(`  ${name(table.name)} {`, "  }");
      continue;
    }
    lines.push(`  ${name(table.name)} {`);
    for (const column of Object.values(table.columns)) {
      const keys = [
        column.primary_key ? "PK" : "",
        column.name === "_dlt_parent_id" && table.parent ? "FK" : "",
      ].filter(Boolean).join(",");
      const attr = /^[A-Za-z_][\w-]*$/.test(column.name) ? column.name : `"${column.name}"`;
      lines.push(`    ${column.data_type} ${attr}${keys ? ` ${keys}` : ""}`);
    }
    lines.push("  }");
  }
  for (const table of tables) {
    if (table.parent) {
      lines.push(`  ${name(table.parent)} ||--o{ ${name(table.name)} : "_dlt_parent_id"`);
    }
  }
  return lines.join("\n") + "\n";
}

/** The schema as DBML (dbdiagram.io). */
export function schemaDbml(schema: Schema, options: DiagramOptions = {}): string {
  const q = (n: string) => `"${n.replaceAll('"', '\\"')}"`;
  const out: string[] = [];
  const tables = dataTables(schema);
  for (const table of tables) {
    out.push(`Table ${q(table.name)} {`);
    if (!options.hideColumns) {
      for (const column of Object.values(table.columns)) {
        const settings = columnSettings(column);
        out.push(`  ${q(column.name)} ${column.data_type}${settings ? ` [${settings}]` : ""}`);
      }
    }
    out.push("}", "");
  }
  for (const table of tables) {
    if (table.parent) {
      out.push(`Ref: ${q(table.name)}.${q("_dlt_parent_id")} > ${q(table.parent)}.${q("_dlt_id")}`);
    }
  }
  return out.join("\n").trimEnd() + "\n";
}

function columnSettings(column: Column): string {
  return [
    column.primary_key ? "pk" : "",
    column.nullable === false ? "not null" : "",
    column.unique ? "unique" : "",
  ].filter(Boolean).join(", ");
}
