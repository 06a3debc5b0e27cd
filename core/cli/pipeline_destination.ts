/**
 * The destination of a pipeline for the inspection commands: where its last run loaded to
 * (`state._local.destination_location`), else where `dltx run` would load it.
 *
 * @module
 */

import { isAbsolute, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createDestination } from "../../destinations/mod.ts";
import { type ConfigResolver, loadConfig } from "../config/mod.ts";
import { UserError } from "../errors.ts";
import { type Destination, destinationTypeName, type PipelineState } from "../pipeline/mod.ts";
import type { CliContext } from "./context.ts";
import { postgresOptions } from "./_postgres_config.ts";

/** Where a pipeline's data lives. */
export interface DestinationTarget {
  /** Destination type (`duckdb`, `filesystem` or `postgres`). */
  type: string;
  /** The database file, or the bucket folder of `filesystem` (absolute); `""` for postgres. */
  path: string;
  /** As load info prints it: `duckdb:/abs/path.duckdb`, `file:///abs/bucket`. */
  location: string;
  /** `filesystem` only: the layout of its data files (`DESTINATION__FILESYSTEM__LAYOUT`). */
  layout?: string;
  /** `postgres` only: the destination's options from the config (credentials). */
  options?: Record<string, unknown>;
}

const MEMORY_PATH = ":memory:";

/**
 * Finds the destination of pipeline `name`: the location its state records, else
 * `DESTINATION__DUCKDB__CREDENTIALS` (env or `.dlt/` TOML), else `<cwd>/<name>.duckdb`, the
 * same default `dltx run` uses. A pipeline that loads to `filesystem` is found at its
 * recorded `file://` location, else at `DESTINATION__FILESYSTEM__BUCKET_URL`.
 *
 * A `postgres` pipeline is found through `DESTINATION__POSTGRES__CREDENTIALS` (env or
 * `.dlt/secrets.toml`): its recorded location hides the password.
 *
 * @param type the destination type when the state has none (`sync` on a new machine)
 * @throws {UserError} for a destination type the inspection commands cannot open, or a
 *   filesystem pipeline whose bucket is unknown, or a postgres one without credentials
 */
export async function destinationTarget(
  ctx: CliContext,
  name: string,
  state?: PipelineState,
  type: string = destinationTypeName(state?.destination_type) ?? "duckdb",
): Promise<DestinationTarget> {
  if (type === "filesystem") return await filesystemTarget(ctx, name, state);
  if (type === "postgres") return await postgresTarget(ctx, name);
  if (type !== "duckdb") {
    throw new UserError(
      `Pipeline "${name}" loads to destination "${type}"; only duckdb, filesystem and ` +
        "postgres can be inspected",
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

/** Whether the target's database file (or bucket folder) exists; a server always may. */
export async function targetExists(target: DestinationTarget): Promise<boolean> {
  if (target.type === "postgres") return true;
  const stat = await Deno.stat(target.path).catch(() => undefined);
  return (target.type === "filesystem" ? stat?.isDirectory : stat?.isFile) ?? false;
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
    const what = target.type === "filesystem" ? "bucket folder" : "DuckDB database";
    throw new UserError(
      `The destination of pipeline "${name}" is missing: there is no ${what} at ${target.path}`,
    );
  }
  return createDestination(target.type, destinationOptions(target));
}

/** The options `createDestination()` takes for `target`. */
export function destinationOptions(target: DestinationTarget): Record<string, unknown> {
  if (target.type === "filesystem") return { bucketUrl: target.path, layout: target.layout };
  if (target.type === "postgres") return { ...target.options };
  return { path: target.path };
}

/**
 * A postgres pipeline's server from the project's config; the password joins the masker.
 *
 * @throws {ConfigError} dlt's missing-field error when no credentials are configured
 */
async function postgresTarget(ctx: CliContext, name: string): Promise<DestinationTarget> {
  const config = await projectConfig(ctx);
  const options = postgresOptions(config, { pipelineName: name, masker: ctx.masker });
  const destination = createDestination("postgres", options);
  await destination.close();
  return { type: "postgres", path: "", location: destination.location, options };
}

/**
 * The bucket of a filesystem pipeline: its recorded `file://` location, else
 * `DESTINATION__FILESYSTEM__BUCKET_URL` (a path relative to the project, or a `file://` URL);
 * the layout from `DESTINATION__FILESYSTEM__LAYOUT`.
 */
async function filesystemTarget(
  ctx: CliContext,
  name: string,
  state: PipelineState | undefined,
): Promise<DestinationTarget> {
  const config = await projectConfig(ctx);
  const layout = config.get("destination.filesystem.layout")?.value;
  const recorded = state?._local?.destination_location;
  let bucketUrl: string;
  if (typeof recorded === "string" && recorded.startsWith("file://")) {
    bucketUrl = recorded;
  } else {
    const configured = config.get("destination.filesystem.bucket_url")?.value;
    if (typeof configured !== "string" || configured === "") {
      throw new UserError(
        `Pipeline "${name}" loads to the filesystem destination, but its bucket is not known: ` +
          "set DESTINATION__FILESYSTEM__BUCKET_URL to the bucket folder",
      );
    }
    bucketUrl = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.test(configured) || isAbsolute(configured)
      ? configured
      : join(ctx.cwd, configured);
  }
  // The destination validates the URL (a remote scheme is a ConfigError) and resolves it.
  const destination = createDestination("filesystem", { bucketUrl });
  await destination.close();
  return {
    type: "filesystem",
    path: fileURLToPath(destination.location),
    location: destination.location,
    layout: typeof layout === "string" && layout !== "" ? layout : undefined,
  };
}

async function projectConfig(ctx: CliContext): Promise<ConfigResolver> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(ctx.env)) if (v !== undefined) env[k] = v;
  return await loadConfig({ env, projectDir: ctx.cwd });
}

/** `DESTINATION__DUCKDB__CREDENTIALS` (a path or `duckdb:///path`) or `<cwd>/<name>.duckdb`. */
async function configuredPath(ctx: CliContext, name: string): Promise<string> {
  const config = await projectConfig(ctx);
  const credentials = config.get("destination.duckdb.credentials")?.value;
  if (typeof credentials === "string" && credentials !== "") {
    const path = credentials.replace(/^duckdb:\/\/\//, "");
    if (path === MEMORY_PATH) return path;
    return isAbsolute(path) ? path : join(ctx.cwd, path);
  }
  return join(ctx.cwd, `${name}.duckdb`);
}
