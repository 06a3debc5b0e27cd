/**
 * `dltx run <connector>`: resolves config, builds the source, runs the pipeline into the
 * destination and prints dlt's load info.
 *
 * @module
 */

import { isAbsolute, join, resolve } from "node:path";
import { createDestination, DESTINATION_TYPES } from "../../destinations/mod.ts";
import { type ConfigResolver, loadConfig, SecretMasker } from "../config/mod.ts";
import { ConfigError } from "../errors.ts";
import { formatLoadInfo, pipeline } from "../pipeline/mod.ts";
import { restApiSource } from "../source/mod.ts";
import type { CliContext } from "./context.ts";
import { resolveConnector } from "./connector_spec.ts";
import { stderrLogger } from "./logger.ts";

/** Options of `dltx run`, as parsed from the command line. */
export interface RunCommandOptions {
  pipeline?: string;
  dataset?: string;
  resources?: string;
  to?: string;
}

/** Runs `dltx run`; returns the exit code. */
export async function runCommand(
  ctx: CliContext,
  connectorSpec: string,
  options: RunCommandOptions,
): Promise<number> {
  const destinationType = options.to ?? "duckdb";
  if (!DESTINATION_TYPES.includes(destinationType)) {
    throw new ConfigError(
      `Unknown destination "${destinationType}" for --to; expected one of ${
        DESTINATION_TYPES.join(", ")
      }`,
    );
  }
  const masker = ctx.masker ?? new SecretMasker();
  const config = await loadConfig({ env: definedEnv(ctx.env), projectDir: ctx.cwd });
  const logLevel = config.get("runtime.log_level")?.value;
  const logger = stderrLogger(ctx.stderr, {
    level: typeof logLevel === "string" ? logLevel : undefined,
    mask: (t) => masker.mask(t),
  });

  const connector = await resolveConnector(connectorSpec, ctx.cwd);
  const pipelineName = options.pipeline ?? `${connector.name}_pipeline`;
  const fields = Object.entries(connector.config ?? {}).map(([name, field]) => ({
    name,
    secret: field.secret,
    default: field.default,
  }));
  // Resolve every field before any request, so a missing secret fails fast and completely.
  const resolved = config.resolveFields(["sources", connector.name], fields, { pipelineName });
  for (const [name, field] of Object.entries(connector.config ?? {})) {
    if (field.secret) masker.add(resolved.values[name]);
  }

  const resources = options.resources?.split(",").map((r) => r.trim()).filter(Boolean);

  const destination = createDestination(destinationType, {
    path: duckdbPath(config, ctx.cwd, pipelineName),
    logger,
  });
  try {
    const p = pipeline({
      pipelineName,
      datasetName: options.dataset,
      destination,
      pipelinesDir: ctx.env.DLTX_PIPELINES_DIR
        ? resolve(ctx.cwd, ctx.env.DLTX_PIPELINES_DIR)
        : undefined,
      logger,
      deps: ctx.deps,
      masker,
      keepCompletedJobs: config.get("load.delete_completed_jobs", { expect: "boolean" })?.value ===
        false,
    });
    // Pending packages are settled and the state restored first: incremental cursors start
    // from what the destination has committed.
    const state = await p.prepare();
    const source = restApiSource(connector, {
      config: resolved.values,
      state: state.sources[connector.name],
      deps: ctx.deps,
      logger,
      masker,
      timeoutMs: numberSetting(config, "runtime.request_timeout", 60) * 1000,
      maxAttempts: numberSetting(config, "runtime.request_max_attempts", 5),
    });
    const info = await p.run(source, { resources, signal: ctx.signal });
    ctx.stdout.write(masker.mask(formatLoadInfo(info)) + "\n");
    return 0;
  } finally {
    await destination.close();
  }
}

/** The DuckDB file: `DESTINATION__DUCKDB__CREDENTIALS` (path or `duckdb:///path`) or `<pipeline>.duckdb`. */
function duckdbPath(config: ConfigResolver, cwd: string, pipelineName: string): string {
  const credentials = config.get("destination.duckdb.credentials")?.value;
  if (typeof credentials === "string" && credentials !== "") {
    const path = credentials.replace(/^duckdb:\/\/\//, "");
    if (path === ":memory:") return path;
    return isAbsolute(path) ? path : join(cwd, path);
  }
  return join(cwd, `${pipelineName}.duckdb`);
}

function numberSetting(config: ConfigResolver, key: string, fallback: number): number {
  const value = config.get(key)?.value;
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) {
    throw new ConfigError(`${key} must be a positive number (got ${JSON.stringify(value)})`);
  }
  return n;
}

function definedEnv(env: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v;
  return out;
}
