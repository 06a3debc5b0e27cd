/**
 * Telling a read-only query from anything else before DuckDB prepares it: preparing already
 * binds (and `EXPORT DATABASE` creates its folder then), so the check uses DuckDB's parser
 * alone, through `json_serialize_sql`, which parses and serializes SELECT statements only and
 * runs nothing.
 *
 * @module
 */

import type { DuckDBConnection } from "@duckdb/node-api";
import { UserError } from "../../core/errors.ts";

/**
 * Table functions a read-only query may call: generators, readers (the connection's settings
 * decide which files they may open) and catalog views. Every other one is refused, among them
 * `enable_logging` (logs to stdout or files), `checkpoint`, `query`/`query_table` (SQL from a
 * string, out of this check's sight) and `arrow_scan` (reads raw memory addresses).
 */
const TABLE_FUNCTIONS: ReadonlySet<string> = new Set([
  "range",
  "generate_series",
  "unnest",
  "repeat",
  "repeat_row",
  "json_each",
  "json_tree",
  "read_csv",
  "read_csv_auto",
  "read_json",
  "read_json_auto",
  "read_json_objects",
  "read_json_objects_auto",
  "read_ndjson",
  "read_ndjson_auto",
  "read_ndjson_objects",
  "read_parquet",
  "parquet_scan",
  "parquet_metadata",
  "parquet_schema",
  "parquet_file_metadata",
  "parquet_kv_metadata",
  "read_text",
  "read_blob",
  "sniff_csv",
  "glob",
  "duckdb_columns",
  "duckdb_constraints",
  "duckdb_databases",
  "duckdb_dependencies",
  "duckdb_functions",
  "duckdb_indexes",
  "duckdb_keywords",
  "duckdb_schemas",
  "duckdb_sequences",
  "duckdb_settings",
  "duckdb_tables",
  "duckdb_types",
  "duckdb_views",
  "pragma_table_info",
  "pragma_show",
  "pragma_version",
  "pragma_database_size",
  "pragma_storage_info",
  "pragma_collations",
  "pragma_platform",
  "pg_timezone_names",
  "icu_calendar_names",
  "summary",
  "histogram",
  "histogram_values",
]);

/** The statements a read-only query may be, for messages. */
export const ALLOWED_STATEMENTS =
  "SELECT (or WITH, VALUES, FROM, TABLE, DESCRIBE, SHOW, SUMMARIZE, EXPLAIN)";

/** What the check found: whether the query is an `EXPLAIN [ANALYZE]` of a SELECT. */
export interface ReadOnlySql {
  explain: boolean;
}

/**
 * Checks that `sql` is exactly one reading statement: one SELECT as DuckDB's parser sees it
 * (`DESCRIBE`, `SHOW` and `SUMMARIZE` parse as SELECT), or `EXPLAIN [ANALYZE]` of one, that
 * calls only {@linkcode TABLE_FUNCTIONS}. Runs only the parser, never the statement.
 *
 * @param con any connection: the SQL is a bound string parameter of `json_serialize_sql`
 * @param where the database, for messages
 * @throws {UserError} naming what is allowed, or DuckDB's parser error
 */
export async function checkReadOnlySql(
  con: DuckDBConnection,
  sql: string,
  where: string,
): Promise<ReadOnlySql> {
  // EXPLAIN is no SELECT to the serializer: check the statement it explains. Only leading
  // whitespace may come before it, so no comment can make the prefix mean something else.
  const prefix = sql.match(/^\s*explain\s+(?:analyze\s+)?/i)?.[0];
  const body = prefix === undefined ? sql : sql.slice(prefix.length);
  const reader = await con.runAndReadAll("SELECT json_serialize_sql($1::VARCHAR) AS ast", [body]);
  const ast = parseAst(reader.getRowObjectsJS()[0]?.ast);
  if (ast.error) {
    if (ast.errorType === "parser") {
      throw new UserError(`Query failed on ${where}: Parser Error: ${ast.errorMessage}`);
    }
    // Not a SELECT, or a SELECT followed by something that is not.
    const word = firstKeyword(body);
    if (prefix === undefined && word === "EXPLAIN") {
      throw readOnlyError(
        where,
        "EXPLAIN must be the first word of the query, with no comment before it",
      );
    }
    if (!SELECT_WORDS.has(word.toLowerCase())) {
      const what = `${prefix === undefined ? "" : "EXPLAIN of "}${word || "this statement"}`;
      throw readOnlyError(where, `${what} is not allowed`);
    }
    throw readOnlyError(where, `a query is one reading statement, and "${short(sql)}" is not`);
  }
  if (ast.statements.length === 0) throw new UserError("The query is empty; write the SQL to run");
  if (ast.statements.length > 1) {
    throw new UserError(
      `A query must be exactly one SQL statement; got ${ast.statements.length} in "${short(sql)}"`,
    );
  }
  const refused = refusedTableFunction(ast.statements[0]);
  if (refused !== undefined) throw readOnlyError(where, `table function ${refused} is not allowed`);
  return { explain: prefix !== undefined };
}

/**
 * The error for a statement that is not a read: names what is allowed.
 */
export function readOnlyError(where: string, what: string, cause?: unknown): UserError {
  return new UserError(
    `Queries on ${where} are read-only: ${what}. Use ${ALLOWED_STATEMENTS} to read the data.`,
    { cause },
  );
}

/** First words of statements the serializer takes as SELECT. */
const SELECT_WORDS = new Set([
  "select",
  "with",
  "values",
  "from",
  "table",
  "describe",
  "desc",
  "show",
  "summarize",
  "unpivot",
  "(",
]);

interface Ast {
  error: boolean;
  errorType?: string;
  errorMessage?: string;
  statements: unknown[];
}

function parseAst(value: unknown): Ast {
  const parsed = JSON.parse(String(value)) as Record<string, unknown>;
  return {
    error: parsed.error === true,
    errorType: typeof parsed.error_type === "string" ? parsed.error_type : undefined,
    errorMessage: typeof parsed.error_message === "string" ? parsed.error_message : undefined,
    statements: Array.isArray(parsed.statements) ? parsed.statements : [],
  };
}

/** The first table function in the tree (any depth: subqueries, CTEs, DESCRIBE) not allowed. */
function refusedTableFunction(node: unknown): string | undefined {
  if (Array.isArray(node)) {
    for (const item of node) {
      const found = refusedTableFunction(item);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (node === null || typeof node !== "object") return undefined;
  const obj = node as Record<string, unknown>;
  if (obj.type === "TABLE_FUNCTION") {
    const fn = obj.function as Record<string, unknown> | undefined;
    const name = String(fn?.function_name ?? "").toLowerCase();
    if (!TABLE_FUNCTIONS.has(name)) return name || "(unnamed)";
  }
  for (const value of Object.values(obj)) {
    const found = refusedTableFunction(value);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** The statement's first keyword after whitespace and comments, for messages (`DELETE`). */
function firstKeyword(sql: string): string {
  const rest = sql.replace(/^(?:\s+|--[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/)*/, "");
  if (rest.startsWith("(")) return "(";
  return rest.match(/^[A-Za-z_]+/)?.[0].toUpperCase() ?? "";
}

function short(sql: string): string {
  const oneLine = sql.replace(/\s+/g, " ").trim();
  return oneLine.length > 80 ? `${oneLine.slice(0, 77)}...` : oneLine;
}
