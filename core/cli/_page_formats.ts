/**
 * How `dltx run --to jsonl` turns pages into lines of text: records as the API returned them,
 * normalized rows (`--normalize`), or Singer messages (`--format singer`). Each page becomes
 * one string, written in one go.
 *
 * @module
 */

import { InternalError } from "../errors.ts";
import { rawNumber, stringifyJson } from "../json/mod.ts";
import { type NameCollision, Normalizer } from "../normalize/mod.ts";
import { newSchema, type Schema } from "../schema/mod.ts";
import type { ResourceInfo, ResourcePage, Source } from "../source/mod.ts";
import { JsonSchemaInferrer, jsonSchemaOfTable } from "./_json_schema.ts";

/** The output formats of `--to jsonl`. */
export const JSONL_FORMATS = ["jsonl", "singer"] as const;

/** One output format of `--to jsonl`. */
export type JsonlFormat = typeof JSONL_FORMATS[number];

/** Options of {@linkcode pageFormatter}. */
export interface PageFormatOptions {
  format: JsonlFormat;
  /** Normalized rows instead of records. */
  normalize: boolean;
  /** Names of the resources that run; with more than one, records get `_dlt_resource`. */
  resources: string[];
  /** `_dlt_load_id` of normalized rows. */
  loadId: string;
  /** Normalized rows: called once per table and pair of keys that became the same name. */
  onCollision?: (collision: NameCollision) => void;
}

/** Turns pages into lines. */
export interface PageFormatter {
  /** The lines of one page (`""` when it has none). */
  page(page: ResourcePage): string;
  /** The lines that close the output (Singer's STATE). */
  end(): string;
  /** Normalized rows per table so far (with `normalize`). */
  rows?(): Record<string, number>;
}

const RESOURCE_FIELD = "_dlt_resource";
const TABLE_FIELD = "_dlt_table";

/** Picks the formatter for `options`. */
export function pageFormatter(source: Source, options: PageFormatOptions): PageFormatter {
  const infoOf = resourceLookup(source);
  if (options.format === "singer") {
    return options.normalize
      ? singerRows(source, normalizerOf(source, options), infoOf)
      : singerRecords(source, infoOf);
  }
  if (options.normalize) return rows(normalizerOf(source, options), infoOf);
  return records(options.resources.length > 1);
}

/** Records as they came, tagged with their resource when several resources run. */
function records(tagged: boolean): PageFormatter {
  return {
    page(page) {
      let out = "";
      const tag = tagged ? `,"${RESOURCE_FIELD}":${JSON.stringify(page.resource)}}` : "";
      for (const record of page.records) {
        out += (tagged ? withResource(record, page.resource, tag) : stringify(record)) + "\n";
      }
      return out;
    },
    end: () => "",
  };
}

/** `{...record, _dlt_resource}` as text, without copying the record (the common case). */
function withResource(record: unknown, resource: string, tag: string): string {
  if (typeof record !== "object" || record === null || Array.isArray(record)) {
    // As the normalizer does: a record that is not an object is `{value: record}`.
    return stringifyJson({ value: record ?? null, [RESOURCE_FIELD]: resource });
  }
  if (RESOURCE_FIELD in record) return stringifyJson({ ...record, [RESOURCE_FIELD]: resource });
  const json = stringifyJson(record);
  return json === "{}" ? "{" + tag.slice(1) : json.slice(0, -1) + tag;
}

/** Numbers exact: ids past 2^53 keep their digits, `1.0` stays `1.0` (see `stringifyJson`). */
function stringify(value: unknown): string {
  return stringifyJson(value) ?? "null";
}

interface RowNormalizer {
  normalizer: Normalizer;
  schema: Schema;
  counts: Record<string, number>;
  /** Per table: its column count when last read, and its bigint and decimal columns. */
  numeric: Map<string, { columns: number; names: string[] }>;
}

const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/**
 * A row with the digit strings of its bigint and decimal columns as JSON numbers again: the
 * normalizer keeps integers past 2^53 as text (DuckDB casts it), but output is JSON.
 */
function withNumbers(n: RowNormalizer, table: string, row: Record<string, unknown>) {
  const columns = n.schema.tables[table].columns;
  let numeric = n.numeric.get(table);
  const count = Object.keys(columns).length;
  if (numeric === undefined || numeric.columns !== count) {
    const names = Object.values(columns)
      .filter((c) => c.data_type === "bigint" || c.data_type === "decimal")
      .map((c) => c.name);
    numeric = { columns: count, names };
    n.numeric.set(table, numeric);
  }
  for (const name of numeric.names) {
    const value = row[name];
    if (typeof value === "string" && JSON_NUMBER.test(value)) row[name] = rawNumber(value);
  }
  return row;
}

function normalizerOf(source: Source, options: PageFormatOptions): RowNormalizer {
  // A fresh schema: the output does not depend on what any pipeline loaded before.
  const schema = newSchema(source.name);
  const normalizer = new Normalizer(schema, {
    loadId: options.loadId,
    onCollision: options.onCollision,
  });
  return { normalizer, schema, counts: {}, numeric: new Map() };
}

/** Normalized rows, each with `_dlt_table`. */
function rows(n: RowNormalizer, infoOf: (page: ResourcePage) => ResourceInfo): PageFormatter {
  const tags = new Map<string, string>();
  let out = "";
  const sink = (table: string, row: Record<string, unknown>) => {
    let tag = tags.get(table);
    if (tag === undefined) {
      tag = `,"${TABLE_FIELD}":${JSON.stringify(table)}}\n`;
      tags.set(table, tag);
    }
    // Rows always hold `_dlt_id`, so the object text is never `{}`.
    out += stringifyJson(withNumbers(n, table, row)).slice(0, -1) + tag;
    n.counts[table] = (n.counts[table] ?? 0) + 1;
  };
  return {
    page(page) {
      out = "";
      const info = infoOf(page);
      for (const record of page.records) n.normalizer.normalize(record, info, sink);
      return out;
    },
    end: () => "",
    rows: () => ({ ...n.counts }),
  };
}

/** Singer messages, one stream per resource; records as they came. */
function singerRecords(
  source: Source,
  infoOf: (page: ResourcePage) => ResourceInfo,
): PageFormatter {
  const streams = new Map<string, { inferrer: JsonSchemaInferrer; prefix: string }>();
  return {
    page(page) {
      const info = infoOf(page);
      let stream = streams.get(page.resource);
      const isNew = stream === undefined;
      if (stream === undefined) {
        stream = {
          inferrer: new JsonSchemaInferrer(info.columns),
          prefix: `{"type":"RECORD","stream":${JSON.stringify(page.resource)},"record":`,
        };
        streams.set(page.resource, stream);
      }
      const wrapped = page.records.map(asObject);
      let changed = isNew;
      // The whole page first: one SCHEMA message covers all its records.
      for (const record of wrapped) if (stream.inferrer.add(record)) changed = true;
      let out = changed
        ? schemaMessage(page.resource, stream.inferrer.schema(), info.primaryKey)
        : "";
      for (const record of wrapped) out += stream.prefix + stringifyJson(record) + "}\n";
      return out;
    },
    end: () => stateMessage(source),
  };
}

/** Singer messages, one stream per normalized table. */
function singerRows(
  source: Source,
  n: RowNormalizer,
  infoOf: (page: ResourcePage) => ResourceInfo,
): PageFormatter {
  /** Column count of each table's last SCHEMA message: columns are only ever added. */
  const sent = new Map<string, number>();
  const prefixes = new Map<string, string>();
  const touched = new Set<string>();
  let out = "";
  const sink = (table: string, row: Record<string, unknown>) => {
    let prefix = prefixes.get(table);
    if (prefix === undefined) {
      prefix = `{"type":"RECORD","stream":${JSON.stringify(table)},"record":`;
      prefixes.set(table, prefix);
    }
    touched.add(table);
    out += prefix + stringifyJson(withNumbers(n, table, row)) + "}\n";
    n.counts[table] = (n.counts[table] ?? 0) + 1;
  };
  return {
    page(page) {
      out = "";
      touched.clear();
      const info = infoOf(page);
      for (const record of page.records) n.normalizer.normalize(record, info, sink);
      let schemas = "";
      for (const name of touched) {
        const table = n.schema.tables[name];
        const columns = Object.keys(table.columns).length;
        if (sent.get(name) === columns) continue;
        sent.set(name, columns);
        const keys = Object.values(table.columns).filter((c) => c.primary_key).map((c) => c.name);
        schemas += schemaMessage(name, jsonSchemaOfTable(table), keys);
      }
      return schemas + out;
    },
    end: () => stateMessage(source),
    rows: () => ({ ...n.counts }),
  };
}

function asObject(record: unknown): Record<string, unknown> {
  return typeof record === "object" && record !== null && !Array.isArray(record)
    ? record as Record<string, unknown>
    : { value: record ?? null };
}

function schemaMessage(stream: string, schema: unknown, keys: string[]): string {
  return JSON.stringify({ type: "SCHEMA", stream, schema, key_properties: keys }) + "\n";
}

function stateMessage(source: Source): string {
  return stringifyJson({ type: "STATE", value: source.state?.() ?? {} }) + "\n";
}

/** The resource of a page: its own `info`, else the source's resource of that name. */
function resourceLookup(source: Source): (page: ResourcePage) => ResourceInfo {
  const byName = new Map(source.resources.map((r) => [r.name, r]));
  return (page) => {
    const info = page.info ?? byName.get(page.resource) ??
      source.resources.find((r) => r.name === page.resource);
    if (info === undefined) {
      throw new InternalError(`Unknown resource "${page.resource}" in a page`);
    }
    return info;
  };
}
