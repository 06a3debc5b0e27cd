/**
 * `dltx init --openapi <file|url> [destination]`: a connector derived from an OpenAPI spec
 * (`<name>.yaml`, or `<name>.ts` with `--format ts`), `<name>-docs.yaml` for the AI workflow,
 * and the pipeline files `dltx init <connector> <destination>` writes. The derivation lives in
 * `core/openapi/`; this file only chooses, writes and reports.
 *
 * @module
 */

import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { ConfigError, InternalError, UserError } from "../errors.ts";
import {
  defaultConnectorName,
  deriveConnector,
  type DerivedConnector,
  listOperations,
  loadOpenApi,
  openApiDocsYaml,
  renderConnectorTs,
  renderConnectorYaml,
} from "../openapi/mod.ts";
import { validateConnector } from "../source/mod.ts";
import type { CliContext } from "./context.ts";
import { parseAgent, setupAgent, setupSummary } from "./ai/mod.ts";
import { initCommand } from "./init.ts";
import { exists } from "./_init_source.ts";
import { INIT_DESTINATIONS, pipelineNameOf } from "./_init_templates.ts";
import { chooseOperations } from "./_openapi_picker.ts";

/** Options of `dltx init --openapi`, as parsed from the command line. */
export interface InitOpenApiOptions {
  /** The spec: a file path or an https:// URL. */
  openapi: string;
  /** The connector's name. @default the spec's title, snake_case */
  name?: string;
  /** Comma-separated endpoints (resource names, operationIds or paths). */
  endpoints?: string;
  /** Every GET endpoint. */
  all?: boolean;
  /** `yaml` (default) or `ts`. */
  format?: string;
  force?: boolean;
  dltx?: string;
  agent?: string;
}

/**
 * Runs `dltx init --openapi`.
 *
 * @param ctx the CLI context.
 * @param args the positional arguments: at most a destination.
 * @param options the options.
 * @returns the exit code
 * @throws {UserError} for bad arguments, an invalid spec or files that exist (unless forced)
 */
export async function initOpenApiCommand(
  ctx: CliContext,
  args: { connector?: string; destination?: string },
  options: InitOpenApiOptions,
): Promise<number> {
  if (args.destination !== undefined) {
    throw new UserError(
      `dltx init --openapi takes one argument, the destination (got "${args.connector}" and ` +
        `"${args.destination}"); the connector comes from the spec`,
    );
  }
  const destination = args.connector ?? "duckdb";
  if (!(INIT_DESTINATIONS as readonly string[]).includes(destination)) {
    throw new UserError(
      `Unknown destination "${destination}" for dltx init --openapi; expected one of ` +
        INIT_DESTINATIONS.join(", "),
    );
  }
  const format = options.format ?? "yaml";
  if (format !== "yaml" && format !== "ts") {
    throw new UserError(`--format must be yaml or ts (got "${format}")`);
  }
  if (options.name !== undefined && !/^[A-Za-z][A-Za-z0-9_]*$/.test(options.name)) {
    throw new UserError(
      `--name "${options.name}" must start with a letter and hold only letters, digits and _ ` +
        "(it names the connector file, its config section and its pipeline)",
    );
  }
  const agent = options.agent === undefined ? undefined : parseAgent(options.agent);

  const spec = await loadOpenApi(options.openapi, { cwd: ctx.cwd, fetch: ctx.deps.fetch });
  const list = listOperations(spec.document);
  if (list.operations.length === 0) {
    throw new UserError(
      `The OpenAPI spec ${options.openapi} has no GET operations, so nothing to load ` +
        `(${list.others.length} other operation(s))`,
    );
  }
  const chosen = await chooseOperations(list.operations, {
    ...(options.endpoints !== undefined ? { endpoints: options.endpoints } : {}),
    ...(options.all ? { all: true } : {}),
    interactive: Deno.stdin.isTerminal() && ctx.stdout.isTerminal,
  });
  const name = options.name ?? defaultConnectorName(spec.title);
  const derived = deriveConnector(spec, {
    name,
    chosen,
    operations: list,
    specLabel: options.openapi,
  });
  if (derived.resources.length === 0) {
    throw new UserError(
      "None of the chosen endpoints answers JSON records: " +
        derived.skipped.map((s) => `GET ${s.operation.path}: ${s.reason}`).join("; "),
    );
  }
  const file = `${name}.${format}`;
  const text = format === "ts" ? renderConnectorTs(derived) : renderConnectorYaml(derived);
  selfCheck(derived, text, file, format);
  const docsFile = `${name}-docs.yaml`;
  const docsText = openApiDocsYaml(derived);

  const force = options.force ?? false;
  const ours = [file, docsFile];
  if (!force) {
    // Everything init would write, checked before the first file is written.
    const owned = [...ours, `${pipelineNameOf(derived.connector)}.ts`, ".dlt/config.toml"];
    owned.push(".dlt/secrets.toml");
    const existing: string[] = [];
    for (const path of owned) if (await exists(join(ctx.cwd, path))) existing.push(path);
    if (existing.length > 0) {
      throw new ConfigError(
        `dltx init would overwrite what is there: ${existing.join(", ")} exist${
          existing.length > 1 ? "" : "s"
        }. Nothing was written; run it again with --force to overwrite`,
      );
    }
  }
  const before = new Map<string, string | undefined>();
  for (const path of ours) before.set(path, await readOptional(join(ctx.cwd, path)));
  await Deno.writeTextFile(join(ctx.cwd, file), text);
  await Deno.writeTextFile(join(ctx.cwd, docsFile), docsText);
  ctx.stdout.write(generatedSummary(derived, { file, docsFile, before, spec: options.openapi }));
  try {
    await initCommand(ctx, { connector: `./${file}`, destination }, {
      force,
      ...(options.dltx !== undefined ? { dltx: options.dltx } : {}),
    });
  } catch (error) {
    // The pipeline files could not be written: take back the connector too.
    for (const [path, old] of before) {
      if (old === undefined) await Deno.remove(join(ctx.cwd, path)).catch(() => {});
      else await Deno.writeTextFile(join(ctx.cwd, path), old);
    }
    throw error;
  }
  if (agent) {
    const files = await setupAgent(ctx.cwd, agent);
    ctx.stdout.write(setupSummary(agent, files));
  }
  return 0;
}

/** The generated connector must load as dltx loads it; anything else is a bug of ours. */
function selfCheck(derived: DerivedConnector, text: string, file: string, format: string): void {
  try {
    validateConnector(format === "yaml" ? parseYaml(text) : derived.connector, file);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    throw new InternalError(`dltx init --openapi generated an invalid ${file}: ${error.message}`, {
      cause: error,
    });
  }
}

function generatedSummary(
  derived: DerivedConnector,
  info: { file: string; docsFile: string; before: Map<string, string | undefined>; spec: string },
): string {
  const { resources, skipped, spec } = derived;
  const loaded = resources.filter((r) => r.selected).map((r) => r.operation.name);
  const parents = resources.filter((r) => !r.selected).map((r) => r.operation.name);
  const version = spec.version === "2.0" ? "Swagger 2.0" : `OpenAPI ${spec.version}`;
  const status = (path: string) => info.before.get(path) === undefined ? "created" : "overwritten";
  const width = Math.max(info.file.length, info.docsFile.length);
  const lines = [
    `Generated a connector from ${info.spec} (${spec.title}, ${version}):`,
    `  ${info.file.padEnd(width)}  resources ${loaded.join(", ")}` +
    (parents.length > 0 ? `; ${parents.join(", ")} only as parents` : "") +
    ` (${status(info.file)})`,
    `  ${info.docsFile.padEnd(width)}  endpoints, params, auth, paging and response fields, for ` +
    `you and your AI assistant (${status(info.docsFile)})`,
  ];
  if (skipped.length > 0) {
    lines.push(
      `Skipped ${skipped.length} endpoint(s) that answer no JSON records (${
        skipped.map((s) => s.operation.name).join(", ")
      }); the end of ${info.file} says why.`,
    );
  }
  return lines.join("\n") + "\n\n";
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await Deno.readTextFile(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return undefined;
    throw err;
  }
}
