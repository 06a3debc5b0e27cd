/**
 * The dashboard's JSON API as one `fetch(Request) => Response` function, so tests call it
 * without a server. Every answer is read fresh from the pipeline's working folder and
 * destination (opened read-only per request, then closed, so a `dltx run` is never locked
 * out while the dashboard is open).
 *
 * @module
 */

import { UserError } from "../../errors.ts";
import { listPackages, LOAD_PACKAGE_STATE_FILE, LoadPackage } from "../../package/mod.ts";
import { type Destination, destinationTypeName } from "../../pipeline/mod.ts";
import type { Schema, Table } from "../../schema/types.ts";
import { limitedSql } from "../_read_query.ts";
import type { CliContext } from "../context.ts";
import { destinationTarget, openDestination } from "../_pipeline_destination.ts";
import {
  asObject,
  listPipelineNames,
  openPipelineFolder,
  type PipelineFolder,
  pipelinesDirOf,
  readTrace,
} from "../_pipelines.ts";
import { DASHBOARD_CSP, DASHBOARD_PAGE } from "./_page.ts";

/** The dashboard as a request handler. */
export interface DashboardApp {
  fetch(req: Request): Promise<Response>;
}

/** Options of {@linkcode createDashboardApp}. */
export interface DashboardAppOptions {
  /** Show only this pipeline; all pipelines in the pipelines dir when unset. */
  pipeline?: string;
  /** Most rows a SQL explorer query returns. @default 1000 */
  rowLimit?: number;
}

/** One column as the schema view shows it. */
export interface ColumnView {
  name: string;
  data_type: string;
  nullable: boolean;
  /** dlt hints set on the column (`primary_key`, `row_key`, ...). */
  hints: string[];
  /** A `<col>__v_<type>` column holding values that did not fit `<col>`'s type. */
  variant: boolean;
}

/** One table of the schema view; `children` nest the child-table tree. */
export interface TableView {
  name: string;
  parent?: string;
  resource?: string;
  write_disposition?: string;
  columns: ColumnView[];
  children: TableView[];
}

const HINTS = [
  "primary_key",
  "merge_key",
  "unique",
  "row_key",
  "parent_key",
  "root_key",
  "hard_delete",
  "dedup_sort",
] as const;

const DEFAULT_ROW_LIMIT = 1000;

/** Builds the dashboard's request handler: the page at `/`, the JSON API under `/api/`. */
export function createDashboardApp(
  ctx: CliContext,
  options: DashboardAppOptions = {},
): DashboardApp {
  const rowLimit = options.rowLimit ?? DEFAULT_ROW_LIMIT;
  // DuckDB allows one open of a file per process at a time: serialize destination use.
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = queue.then(fn, fn);
    queue = next.catch(() => {});
    return next;
  };

  async function pipelineNames(): Promise<string[]> {
    if (options.pipeline !== undefined) return [options.pipeline];
    return await listPipelineNames(pipelinesDirOf(ctx));
  }

  async function folderOf(name: string): Promise<PipelineFolder> {
    if (options.pipeline !== undefined && name !== options.pipeline) {
      throw new UserError(
        `This dashboard shows pipeline "${options.pipeline}" only, not "${name}"`,
      );
    }
    return await openPipelineFolder(ctx, name);
  }

  async function withDestination<T>(
    folder: PipelineFolder,
    fn: (d: Destination, dataset: string) => Promise<T>,
  ): Promise<T> {
    return await serial(async () => {
      const target = await destinationTarget(ctx, folder.name, folder.state);
      const destination = await openDestination(folder.name, target);
      try {
        if (!destination.query) {
          throw new UserError(`The ${destination.type} destination cannot run queries`);
        }
        return await fn(destination, folder.state?.dataset_name ?? `${folder.name}_dataset`);
      } finally {
        await destination.close();
      }
    });
  }

  async function route(req: Request): Promise<Response> {
    const url = new URL(req.url);
    if (url.pathname === "/" && req.method === "GET") {
      return new Response(DASHBOARD_PAGE, {
        headers: {
          "content-type": "text/html; charset=utf-8",
          "content-security-policy": DASHBOARD_CSP,
        },
      });
    }
    if (url.pathname === "/api/pipelines") {
      return json({ pipelines: await pipelineNames(), single: options.pipeline !== undefined });
    }
    const m = url.pathname.match(/^\/api\/pipelines\/([^/]+)(?:\/(\w+))?$/);
    if (!m) return json({ error: `No such page: ${url.pathname}` }, 404);
    const folder = await folderOf(decodeURIComponent(m[1]));
    switch (m[2] ?? "overview") {
      case "overview":
        return json(await overview(folder));
      case "schema":
        return json(await schemaView(folder));
      case "versions":
        return json(await withDestination(folder, schemaVersions));
      case "chart":
        return json(await withDestination(folder, (d, ds) => rowsPerRun(d, ds, folder)));
      case "query": {
        if (req.method !== "POST") return json({ error: 'POST the query as {"sql": ...}' }, 405);
        const body = asObject(await req.json().catch(() => ({})));
        const sql = typeof body.sql === "string" ? body.sql : "";
        if (sql.trim() === "") {
          return json({ error: "The query is empty; write the SQL to run" }, 400);
        }
        return json(await withDestination(folder, (d) => runQuery(d, sql, rowLimit)));
      }
      default:
        return json({ error: `No such page: ${url.pathname}` }, 404);
    }
  }

  async function overview(folder: PipelineFolder) {
    const state = folder.state;
    const trace = await readTrace(folder);
    let loads: Record<string, unknown>[] = [];
    let tables: { name: string; rows: number }[] = [];
    let destinationError: string | undefined;
    let location: string | undefined;
    if (state) {
      try {
        location = (await destinationTarget(ctx, folder.name, state)).location;
        [loads, tables] = await withDestination(folder, async (d, ds) => [
          await loadsOf(d, ds),
          await tableCounts(d, ds, folder),
        ]);
      } catch (err) {
        if (!(err instanceof UserError)) throw err;
        destinationError = err.message;
      }
    }
    return {
      name: folder.name,
      dataset: state?.dataset_name,
      destination: destinationTypeName(state?.destination_type),
      location,
      schemas: state?.schema_names ?? [],
      lastRun: trace && traceSummary(trace),
      loads,
      tables,
      destinationError,
    };
  }

  async function schemaView(folder: PipelineFolder) {
    const schemas: unknown[] = [];
    for (const name of folder.state?.schema_names ?? []) {
      const schema = await folder.workingDir.readSchema(name);
      if (schema) schemas.push(describeSchema(schema));
    }
    return { schemas };
  }

  return {
    async fetch(req) {
      try {
        return await route(req);
      } catch (err) {
        // A user error (bad SQL, unknown pipeline) is shown in the page, not a crash.
        if (err instanceof UserError) return json({ error: err.message }, 400);
        const message = err instanceof Error ? err.message : String(err);
        return json({ error: `internal error: ${message}` }, 500);
      }
    },
  };
}

/** The schema as the page draws it: root tables with their child-table tree. */
export function describeSchema(schema: Schema): {
  name: string;
  version: number;
  version_hash: string;
  tables: TableView[];
} {
  const views = new Map<string, TableView>();
  for (const table of Object.values(schema.tables)) views.set(table.name, tableView(table));
  const roots: TableView[] = [];
  for (const view of views.values()) {
    const parent = view.parent === undefined ? undefined : views.get(view.parent);
    if (parent) parent.children.push(view);
    else roots.push(view);
  }
  return {
    name: schema.name,
    version: schema.version,
    version_hash: schema.version_hash,
    tables: roots,
  };
}

function tableView(table: Table): TableView {
  const columns = Object.values(table.columns).map((c) => ({
    name: c.name,
    data_type: c.data_type,
    nullable: c.nullable,
    hints: HINTS.filter((h) => c[h] !== undefined && c[h] !== false).map((h) =>
      h === "dedup_sort" ? `dedup_sort:${c.dedup_sort}` : h
    ),
    variant: c.variant === true,
  }));
  return {
    name: table.name,
    parent: table.parent,
    resource: table.resource,
    write_disposition: table.write_disposition,
    columns,
    children: [],
  };
}

/** Status, timing, rows per table and errors of the last run, from its `trace.json`. */
function traceSummary(trace: Record<string, unknown>) {
  const steps = Array.isArray(trace.steps) ? trace.steps.map(asObject) : [];
  const rowCounts: Record<string, number> = {};
  const errors: string[] = [];
  for (const step of steps) {
    for (const [table, n] of Object.entries(asObject(step.rowCounts))) {
      rowCounts[table] = (rowCounts[table] ?? 0) + Number(n);
    }
    const error = step.error ?? step.exception;
    if (error !== undefined) errors.push(typeof error === "string" ? error : JSON.stringify(error));
  }
  if (typeof trace.error === "string") errors.push(trace.error);
  const started = Date.parse(String(trace.started_at));
  const finished = Date.parse(String(trace.finished_at));
  return {
    load_id: trace.load_id,
    status: trace.status,
    started_at: trace.started_at,
    finished_at: trace.finished_at,
    seconds: Number.isFinite(started) && Number.isFinite(finished)
      ? (finished - started) / 1000
      : undefined,
    steps: steps.map((s) => ({ step: s.step, seconds: s.seconds })),
    rowCounts,
    errors,
  };
}

/** `_dlt_loads` newest first; none before the first load created it. */
async function loadsOf(d: Destination, dataset: string): Promise<Record<string, unknown>[]> {
  return await d.query!(
    `SELECT load_id, schema_name, status, inserted_at, schema_version_hash ` +
      `FROM ${ident(dataset)}._dlt_loads ORDER BY load_id DESC`,
  ).catch(() => []);
}

/** Row counts of every data table the destination has. */
async function tableCounts(d: Destination, dataset: string, folder: PipelineFolder) {
  const names = await dataTables(folder);
  const counts: { name: string; rows: number }[] = [];
  for (const name of names) {
    const rows = await d.query!(`SELECT count(*) AS n FROM ${ident(dataset)}.${ident(name)}`)
      .catch(() => undefined);
    if (rows) counts.push({ name, rows: Number(rows[0]?.n ?? 0) });
  }
  return counts;
}

/** The tables of every schema of the pipeline, in schema order. */
async function dataTables(folder: PipelineFolder, rootsOnly = false): Promise<string[]> {
  const names: string[] = [];
  for (const schemaName of folder.state?.schema_names ?? []) {
    const schema = await folder.workingDir.readSchema(schemaName);
    for (const table of Object.values(schema?.tables ?? {})) {
      if (table.name.startsWith("_dlt_")) continue;
      if (rootsOnly && table.parent !== undefined) continue;
      names.push(table.name);
    }
  }
  return names;
}

/**
 * Rows loaded per run and per root table, oldest run first: as each load recorded them in its
 * package (a later `replace` or merge does not change what a run loaded), else, for a load
 * made elsewhere, counted by `_dlt_load_id` in the dataset (child rows carry no load id).
 */
async function rowsPerRun(d: Destination, dataset: string, folder: PipelineFolder) {
  const loads = (await loadsOf(d, dataset)).map((l) => String(l.load_id)).reverse();
  const recorded = await recordedRowCounts(folder);
  const tables: { name: string; rows: Record<string, number> }[] = [];
  for (const name of await dataTables(folder, true)) {
    const rows = await d.query!(
      `SELECT _dlt_load_id AS load_id, count(*) AS n FROM ${ident(dataset)}.${ident(name)} ` +
        "GROUP BY 1",
    ).catch(() => []);
    const byLoad: Record<string, number> = {};
    for (const r of rows) byLoad[String(r.load_id)] = Number(r.n);
    for (const load of loads) {
      const counts = recorded.get(load);
      if (counts) byLoad[load] = counts[name] ?? 0;
    }
    tables.push({ name, rows: byLoad });
  }
  return { loads, tables };
}

/** The rows per table each loaded package of the working folder recorded, by load id. */
async function recordedRowCounts(
  folder: PipelineFolder,
): Promise<Map<string, Record<string, number>>> {
  const counts = new Map<string, Record<string, number>>();
  for (const summary of await listPackages(folder.workingDir.loadDir).catch(() => [])) {
    if (summary.state !== "loaded") continue;
    const pkg = await LoadPackage.open(summary.dir).catch(() => undefined);
    const snapshot = await pkg?.readJson(LOAD_PACKAGE_STATE_FILE).catch(() => undefined);
    const rowCounts = asObject(asObject(snapshot).row_counts);
    if (Object.keys(rowCounts).length === 0) continue;
    counts.set(
      summary.loadId,
      Object.fromEntries(Object.entries(rowCounts).map(([t, n]) => [t, Number(n)])),
    );
  }
  return counts;
}

/** `_dlt_version` rows oldest first, each with the tables and columns it added. */
async function schemaVersions(d: Destination, dataset: string) {
  const rows = await d.query!(
    `SELECT version, version_hash, schema_name, inserted_at, schema ` +
      `FROM ${ident(dataset)}._dlt_version ORDER BY schema_name, version`,
  ).catch(() => []);
  const previous = new Map<string, Record<string, Set<string>>>();
  const versions = rows.map((r) => {
    const tables = tablesOf(r.schema);
    const before = previous.get(String(r.schema_name)) ?? {};
    const addedTables = Object.keys(tables).filter((t) => !(t in before));
    const addedColumns: string[] = [];
    for (const [t, cols] of Object.entries(tables)) {
      if (!(t in before)) continue;
      for (const c of cols) if (!before[t].has(c)) addedColumns.push(`${t}.${c}`);
    }
    previous.set(String(r.schema_name), tables);
    return {
      schema_name: r.schema_name,
      version: r.version,
      version_hash: r.version_hash,
      inserted_at: r.inserted_at,
      added_tables: addedTables,
      added_columns: addedColumns,
    };
  });
  return { versions };
}

/** Table name -> column names of a stored schema (JSON text); empty when unreadable. */
function tablesOf(schemaJson: unknown): Record<string, Set<string>> {
  const out: Record<string, Set<string>> = {};
  try {
    const schema = asObject(JSON.parse(String(schemaJson)));
    for (const [name, table] of Object.entries(asObject(schema.tables))) {
      if (name.startsWith("_dlt_")) continue;
      out[name] = new Set(Object.keys(asObject(asObject(table).columns)));
    }
  } catch {
    // A version row we cannot read adds nothing we can name.
  }
  return out;
}

/** Runs the explorer's SQL read-only; at most `limit` rows, flagged when there were more. */
async function runQuery(d: Destination, sql: string, limit: number) {
  const rows = await d.query!(limitedSql(sql, limit));
  const limited = rows.length > limit;
  const shown = limited ? rows.slice(0, limit) : rows;
  const columns = shown.length > 0 ? Object.keys(shown[0]) : [];
  return { columns, rows: shown.map((r) => columns.map((c) => r[c])), limited, limit };
}

function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** A JSON response; DuckDB's bigints become numbers (or strings when too big). */
function json(body: unknown, status = 200): Response {
  const text = JSON.stringify(
    body,
    (_k, v) =>
      typeof v === "bigint"
        ? (v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= -BigInt(Number.MAX_SAFE_INTEGER)
          ? Number(v)
          : v.toString())
        : v,
  );
  return new Response(text, {
    status,
    headers: { "content-type": "application/json; charset=utf-8" },
  });
}
