/**
 * The destination of a pipeline for the inspection commands: where its last run loaded to
 * (`state._local.destination_location`), else where `dltx run` would load it.
 *
 * @module
 */

import { isAbsolute, join } from "node:path";
import { createDestination } from "../../destinations/mod.ts";
import { loadConfig } from "../config/mod.ts";
import { UserError } from "../errors.ts";
import type { Destination, PipelineState } from "../pipeline/mod.ts";
import type { CliContext } from "./context.ts";

/** Where a pipeline's data lives. */
export interface DestinationTarget {
  /** Destination type (`duckdb`). */
  type: string;
  /** The database file (absolute). */
  path: string;
  /** As load info prints it: `duckdb:/abs/path.duckdb`. */
  location: string;
}

const MEMORY_PATH = ":memory:";

/**
 * Finds the destination of pipeline `name`: the location its state records, else
 * `DESTINATION__DUCKDB__CREDENTIALS` (env or `.dlt/` TOML), else `<cwd>/<name>.duckdb`, the
 * same default `dltx run` uses.
 *
 * @throws {UserError} for a destination type the inspection commands cannot open
 */
export async function destinationTarget(
  ctx: CliContext,
  name: string,
  state?: PipelineState,
): Promise<DestinationTarget> {
  const type = state?.destination_type ?? "duckdb";
  if (type !== "duckdb") {
    throw new UserError(
      `Pipeline "${name}" loads to destination "${type}"; only duckdb can be inspected`,
    );
  }
  const recorded = state?._local?.destination_location;
  let path: string;
  if (typeof recorded === "string" && recorded.startsWith("duckdb:")) {
    path = recorded.slice("duckdb:".length);
  } else {
    path = await configuredPath(ctx, name);
  }
  if (path === MEMORY_PATH) {
    throw new UserError(
      `Pipeline "${name}" loaded into an in-memory DuckDB database, which is gone`,
    );
  }
  return { type, path, location: `duckdb:${path}` };
}

/** Whether the target's database file exists. */
export async function targetExists(target: DestinationTarget): Promise<boolean> {
  const stat = await Deno.stat(target.path).catch(() => undefined);
  return stat?.isFile ?? false;
}

/**
 * Opens the destination of `target`.
 *
 * @throws {UserError} when its database file does not exist (opening would create it)
 */
export async function openDestination(
  name: string,
  target: DestinationTarget,
): Promise<Destination> {
  if (!(await targetExists(target))) {
    throw new UserError(
      `The destination of pipeline "${name}" is missing: there is no DuckDB database at ` +
        target.path,
    );
  }
  return createDestination(target.type, { path: target.path });
}

/** `DESTINATION__DUCKDB__CREDENTIALS` (a path or `duckdb:///path`) or `<cwd>/<name>.duckdb`. */
async function configuredPath(ctx: CliContext, name: string): Promise<string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(ctx.env)) if (v !== undefined) env[k] = v;
  const config = await loadConfig({ env, projectDir: ctx.cwd });
  const credentials = config.get("destination.duckdb.credentials")?.value;
  if (typeof credentials === "string" && credentials !== "") {
    const path = credentials.replace(/^duckdb:\/\/\//, "");
    if (path === MEMORY_PATH) return path;
    return isAbsolute(path) ? path : join(ctx.cwd, path);
  }
  return join(ctx.cwd, `${name}.duckdb`);
}
