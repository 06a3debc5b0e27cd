/**
 * A stand-in for `dltx run <connector.json> --to duckdb` that reports through
 * `createProgress()`, for tests/progress_test.ts until the CLI wires its flags.
 * Args: `<connector.json> [--log-format text|json] [--verbose] [--interval-ms <ms>]`; env
 * `PROGRESS`, `DLTX_PIPELINES_DIR`. Loads into an in-memory DuckDB; load info on stdout.
 *
 * @module
 */

import { SecretMasker } from "../../core/config/mod.ts";
import { type CliContext, fileOutput } from "../../core/cli/mod.ts";
import { createProgress, progressMode } from "../../core/cli/progress.ts";
import { defaultDeps } from "../../core/deps.ts";
import { formatLoadInfo, pipeline } from "../../core/pipeline/mod.ts";
import { restApiSource } from "../../core/source/mod.ts";
import { createDestination } from "../../destinations/mod.ts";

if (import.meta.main) await main(Deno.args);

async function main(args: string[]): Promise<void> {
  const [connectorPath, ...flags] = args;
  const flag = (name: string) => {
    const i = flags.indexOf(name);
    return i < 0 ? undefined : flags[i + 1];
  };
  const ctx: CliContext = {
    args,
    env: Deno.env.toObject(),
    cwd: Deno.cwd(),
    stdout: fileOutput(Deno.stdout),
    stderr: fileOutput(Deno.stderr),
    masker: new SecretMasker(),
    deps: defaultDeps,
  };
  const progress = createProgress(ctx, {
    mode: progressMode(ctx.env, ctx.stderr.isTerminal),
    logFormat: flag("--log-format") === "json" ? "json" : "text",
    verbose: flags.includes("--verbose"),
    intervalMs: flag("--interval-ms") ? Number(flag("--interval-ms")) : undefined,
  });
  const destination = createDestination("duckdb", { path: ":memory:", logger: progress.logger });
  try {
    const connector = JSON.parse(await Deno.readTextFile(connectorPath));
    const p = pipeline({
      pipelineName: `${connector.name}_pipeline`,
      destination,
      pipelinesDir: ctx.env.DLTX_PIPELINES_DIR,
      logger: progress.logger,
      masker: ctx.masker,
      onEvent: progress.sink,
    });
    const state = await p.prepare();
    const source = restApiSource(connector, {
      config: {},
      state: state.sources[connector.name],
      logger: progress.logger,
      masker: ctx.masker,
      onEvent: progress.sink,
    });
    const info = await p.run(source);
    progress.stop();
    ctx.stdout.write(`${formatLoadInfo(info)}\n`);
  } finally {
    progress.stop();
    await destination.close();
  }
}
