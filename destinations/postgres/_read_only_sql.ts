/**
 * Telling a read-only query from anything else before PostgreSQL sees it, with PostgreSQL's
 * own parser (`libpg-query`, the server's grammar compiled to WebAssembly): exactly one
 * statement, a SELECT (or WITH, VALUES, TABLE), SHOW, or EXPLAIN of a SELECT, that calls no
 * function reading or listing server files, running SQL from a string, reaching another
 * server, signalling backends or changing settings, and reads no catalog holding passwords or
 * server files. The query then runs in a `READ ONLY` transaction on a session whose default is
 * read-only too, so whatever the check cannot see still cannot write.
 *
 * @module
 */

import { UserError } from "../../core/errors.ts";

/** The statements a read-only query may be, for messages. */
export const ALLOWED_STATEMENTS = "SELECT (or WITH, VALUES, TABLE, SHOW, EXPLAIN)";

/**
 * Functions refused by name or name prefix: server files (`pg_read_file`, `pg_ls_dir`,
 * adminpack's `pg_file_write`), large objects (`lo_import`, `lo_export`), SQL run from a
 * string (`query_to_xml`, `ts_stat`, tablefunc's `crosstab`), other servers (`dblink`),
 * backends and replication, and settings (`set_config`).
 */
const REFUSED_PREFIXES = [
  "pg_read_",
  "pg_ls_",
  "pg_stat_file",
  "pg_file_",
  "pg_logdir_",
  "lo_",
  "dblink",
  "query_to_xml",
  "cursor_to_xml",
  "crosstab",
  "pg_logical_",
  "pg_replication_",
  "pg_create_",
  "pg_drop_",
  "pg_copy_",
  "pg_stat_reset",
  "pg_backup_",
  "pg_wal_replay_",
  "pg_switch_",
  "pg_signal_",
  "pg_log_",
  "pg_import_",
  "binary_upgrade_",
];
const REFUSED_FUNCTIONS = new Set([
  "loread",
  "lowrite",
  "ts_stat",
  "set_config",
  "setval",
  "nextval",
  "pg_start_backup",
  "pg_stop_backup",
  "pg_promote",
  "pg_reload_conf",
  "pg_rotate_logfile",
  "pg_terminate_backend",
  "pg_cancel_backend",
  "pg_notify",
  "pg_show_all_file_settings",
  "pg_hba_file_rules",
  "pg_ident_file_mappings",
  "pg_current_logfile",
  "pg_nextoid",
]);
/** Catalogs holding password hashes, foreign-server passwords, large objects or server files. */
const REFUSED_RELATIONS = new Set([
  "pg_authid",
  "pg_shadow",
  "pg_user_mapping",
  "pg_user_mappings",
  "pg_largeobject",
  "pg_file_settings",
  "pg_hba_file_rules",
  "pg_ident_file_mappings",
]);
/** Node types that write or run something, wherever they sit (a WITH clause, say). */
const REFUSED_NODES = new Set([
  "InsertStmt",
  "UpdateStmt",
  "DeleteStmt",
  "MergeStmt",
  "CopyStmt",
  "DoStmt",
  "CallStmt",
  "IntoClause",
]);

/** What the check found. */
export interface ReadOnlySql {
  /** The statement kind: `select`, `show` or `explain`. */
  kind: "select" | "show" | "explain";
}

/**
 * Checks that `sql` is exactly one reading statement PostgreSQL may run on the dataset.
 * Parses only; runs nothing.
 *
 * @param where the database, for messages (the masked location)
 * @throws {UserError} naming what is allowed, or PostgreSQL's syntax error
 */
export async function checkReadOnlySql(sql: string, where: string): Promise<ReadOnlySql> {
  let tree: { stmts?: { stmt?: unknown }[] };
  try {
    // PostgreSQL's parser (WebAssembly) loads on first use, not at every start-up.
    const { parse } = await import("libpg-query");
    tree = await parse(sql);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new UserError(`Query failed on ${where}: syntax error: ${message}`, { cause: err });
  }
  const statements = tree.stmts ?? [];
  if (statements.length === 0) throw new UserError("The query is empty; write the SQL to run");
  if (statements.length > 1) {
    throw new UserError(
      `A query must be exactly one SQL statement; got ${statements.length} in "${short(sql)}"`,
    );
  }
  const statement = (statements[0].stmt ?? {}) as Record<string, unknown>;
  const [type] = Object.keys(statement);
  let kind: ReadOnlySql["kind"];
  if (type === "SelectStmt") kind = "select";
  else if (type === "VariableShowStmt") kind = "show";
  else if (type === "ExplainStmt") {
    const query = (statement.ExplainStmt as { query?: Record<string, unknown> }).query ?? {};
    const [explained] = Object.keys(query);
    if (explained !== "SelectStmt") {
      throw readOnlyError(where, `EXPLAIN of ${statementWord(explained)} is not allowed`);
    }
    kind = "explain";
  } else {
    throw readOnlyError(where, `${statementWord(type)} is not allowed`);
  }
  const refused = refusedIn(statement);
  if (refused !== undefined) throw readOnlyError(where, `${refused} is not allowed`);
  return { kind };
}

/** The error for a statement that is not a read: names what is allowed. */
export function readOnlyError(where: string, what: string, cause?: unknown): UserError {
  return new UserError(
    `Queries on ${where} are read-only: ${what}. Use ${ALLOWED_STATEMENTS} to read the data.`,
    { cause },
  );
}

/** The first refused function, relation or statement in the tree, described. */
function refusedIn(node: unknown): string | undefined {
  if (Array.isArray(node)) {
    for (const item of node) {
      const found = refusedIn(item);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (node === null || typeof node !== "object") return undefined;
  for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
    if (REFUSED_NODES.has(key)) return statementWord(key);
    if (key === "FuncCall") {
      const name = lastName((value as { funcname?: unknown }).funcname);
      if (isRefusedFunction(name)) return `function ${name}()`;
    }
    if (key === "RangeVar") {
      const name = String((value as { relname?: unknown }).relname ?? "").toLowerCase();
      if (REFUSED_RELATIONS.has(name)) return `reading ${name}`;
    }
    if (key === "SelectStmt" && (value as { intoClause?: unknown }).intoClause !== undefined) {
      return "SELECT INTO";
    }
    const found = refusedIn(value);
    if (found !== undefined) return found;
  }
  return undefined;
}

function isRefusedFunction(name: string): boolean {
  return REFUSED_FUNCTIONS.has(name) || REFUSED_PREFIXES.some((p) => name.startsWith(p));
}

/** `pg_catalog.pg_read_file` -> `pg_read_file` (the parser already decoded quotes, U&"..."). */
function lastName(names: unknown): string {
  if (!Array.isArray(names) || names.length === 0) return "";
  const last = names[names.length - 1] as { String?: { sval?: string } };
  return String(last?.String?.sval ?? "").toLowerCase();
}

/** `InsertStmt` -> `INSERT`, for messages. */
function statementWord(type: string | undefined): string {
  if (type === undefined) return "this statement";
  const words: Record<string, string> = {
    InsertStmt: "INSERT",
    UpdateStmt: "UPDATE",
    DeleteStmt: "DELETE",
    MergeStmt: "MERGE",
    CopyStmt: "COPY",
    DoStmt: "DO",
    CallStmt: "CALL",
    IntoClause: "SELECT INTO",
    VariableSetStmt: "SET",
    TransactionStmt: "a transaction statement",
    CreateStmt: "CREATE TABLE",
    CreateTableAsStmt: "CREATE TABLE AS",
    DropStmt: "DROP",
    TruncateStmt: "TRUNCATE",
    AlterTableStmt: "ALTER TABLE",
  };
  return words[type] ?? type.replace(/Stmt$/, "").replace(/([a-z])([A-Z])/g, "$1 $2")
    .toUpperCase();
}

function short(sql: string): string {
  const oneLine = sql.replace(/\s+/g, " ").trim();
  return oneLine.length > 80 ? `${oneLine.slice(0, 77)}...` : oneLine;
}
