/**
 * `dltx init <connector> <destination>`: scaffolds a pipeline project, as dlt's `dlt init`:
 * `<connector>_pipeline.ts` (a runnable pipeline on the library API), `.dlt/config.toml`,
 * `.dlt/secrets.toml` (the connector's secret fields as placeholders), `.gitignore` and the
 * `deno.json` import map that resolves `dltx`. `dltx init -l` lists the built-in connectors.
 * `--agent <agent>` also sets up an editor's AI assistant (`ai/setup.ts`) and writes
 * `<connector>-docs.yaml` (`ai/connector_docs.ts`).
 *
 * Where the project imports dltx from: see `_init_source.ts` (this checkout, or the JSR package
 * for the compiled binary; `--dltx` picks another).
 *
 * A connector added with `dltx add connector` (`.dltx/connectors/<name>/`) wins over the
 * built-in of the same name, as in `dltx run`; the pipeline then imports the project's copy.
 *
 * @module
 */

import { join, relative, resolve } from "node:path";
import denoJson from "../../deno.json" with { type: "json" };
import { getBuiltinConnector, listBuiltinConnectors } from "../../connectors/mod.ts";
import { hasVendoredConnector, loadVendoredConnector } from "../../plugins/mod.ts";
import { ConfigError, UserError } from "../errors.ts";
import type { Connector } from "../source/types.ts";
import type { CliContext } from "./context.ts";
import { resolveConnector } from "./connector_spec.ts";
import { connectorDocsYaml, parseAgent, setupAgent, setupSummary } from "./ai/mod.ts";
import { checkBuiltinModule, dltxSource, exists } from "./_init_source.ts";
import { destinationWarning, initSummary, type ProjectFile } from "./_init_summary.ts";
import {
  type DltxSource,
  GITIGNORE_ENTRIES,
  mergeDenoJson,
  mergeGitignore,
  projectImportMap,
  projectSettings,
} from "./_init_project_files.ts";
import {
  type ConnectorImport,
  INIT_DESTINATIONS,
  type InitDestination,
  pipelineNameOf,
  renderConfigToml,
  renderPipeline,
  renderSecretsToml,
} from "./_init_templates.ts";

/** Options of `dltx init`, as parsed from the command line. */
export interface InitCommandOptions {
  /** `-l`: list the built-in connectors instead. */
  list?: boolean;
  /** Overwrite the pipeline and TOML files, and replace differing deno.json entries. */
  force?: boolean;
  /** Where the project imports dltx from: a checkout folder, `jsr:...` or `https://...`. */
  dltx?: string;
  /** Also set up this editor's AI assistant and write `<connector>-docs.yaml`. */
  agent?: string;
}

/** Where `dltx add connector` stores a project's connectors (plugins/). */
const VENDORED_DIR = ".dltx/connectors";

/**
 * Runs `dltx init`.
 *
 * @returns the exit code
 * @throws {UserError} for missing arguments or an unknown destination
 * @throws {ConfigError} for an unknown connector, a file that exists (without `--force`; then
 *   nothing is written), or a `--dltx` that is not a dltx tree
 */
export async function initCommand(
  ctx: CliContext,
  args: { connector?: string; destination?: string },
  options: InitCommandOptions,
): Promise<number> {
  if (options.list) return listConnectors(ctx);
  const { connector: spec, destination } = args;
  if (spec === undefined || destination === undefined) {
    throw new UserError(
      'Name a connector and a destination, as in "dltx init demo duckdb"; ' +
        '"dltx init -l" lists the connectors',
    );
  }
  if (!(INIT_DESTINATIONS as readonly string[]).includes(destination)) {
    throw new UserError(
      `Unknown destination "${destination}" for dltx init; expected one of ` +
        INIT_DESTINATIONS.join(", "),
    );
  }
  const dest = destination as InitDestination;
  // Checked before anything is written.
  const agent = options.agent === undefined ? undefined : parseAgent(options.agent);
  const { connector, connectorImport } = await initConnector(spec, ctx.cwd);
  const source = await dltxSource(options.dltx, ctx.cwd);
  const builtin = connectorImport.kind === "builtin" ? connector.name : undefined;
  if (builtin) await checkBuiltinModule(source, builtin, ctx.cwd);

  const force = options.force ?? false;
  const files = await projectFiles(ctx.cwd, { connector, dest, connectorImport, source, force });
  for (const file of files) {
    if (file.text === undefined) continue;
    const path = join(ctx.cwd, file.path);
    await Deno.mkdir(join(path, ".."), { recursive: true });
    // Secrets readable by their owner only (ignored where the OS has no such modes).
    await Deno.writeTextFile(
      path,
      file.text,
      file.path.endsWith("secrets.toml") ? { mode: 0o600 } : {},
    );
  }
  ctx.stdout.write(initSummary(files, { connector, dest, spec }));
  const warning = destinationWarning(connector, dest);
  if (warning) ctx.stderr.write(warning);
  if (agent) {
    // Regenerated on each init: it is derived from the connector, not edited by hand.
    const docs = `${connector.name}-docs.yaml`;
    const docsText = connectorDocsYaml(connector);
    const docsBefore = await readOptional(join(ctx.cwd, docs));
    if (docsText !== docsBefore) await Deno.writeTextFile(join(ctx.cwd, docs), docsText);
    const aiFiles = await setupAgent(ctx.cwd, agent);
    aiFiles.push({
      path: docs,
      what: "the connector's endpoints, auth and paging, for the assistant",
      status: docsBefore === undefined
        ? "created"
        : docsText === docsBefore
        ? "unchanged"
        : "updated",
    });
    ctx.stdout.write(setupSummary(agent, aiFiles));
  }
  return 0;
}

/** `dltx init -l`: one line per built-in connector, its name and description. */
function listConnectors(ctx: CliContext): number {
  const connectors = listBuiltinConnectors();
  const width = Math.max(...connectors.map((c) => c.name.length));
  for (const c of connectors) {
    ctx.stdout.write(`${c.name.padEnd(width)}  ${c.description ?? "(no description)"}\n`);
  }
  return 0;
}

async function initConnector(
  spec: string,
  cwd: string,
): Promise<{ connector: Connector; connectorImport: ConnectorImport }> {
  if (!/[\\/.]/.test(spec)) {
    // As in `dltx run`: a connector added to the project wins over the built-in of its name.
    if (await hasVendoredConnector(cwd, spec)) {
      const { connector, locked } = await loadVendoredConnector(cwd, spec);
      const path = `./${VENDORED_DIR}/${spec}/${locked.entry}`;
      return { connector, connectorImport: { kind: importKind(path), path, name: spec } };
    }
    const builtin = getBuiltinConnector(spec);
    if (builtin) return { connector: builtin, connectorImport: { kind: "builtin" } };
  }
  const connector = await resolveConnector(spec, cwd);
  const rel = relative(cwd, resolve(cwd, spec)).replaceAll("\\", "/");
  const path = rel.startsWith("../") ? rel : `./${rel}`;
  return { connector, connectorImport: { kind: importKind(path), path } };
}

/** A module is imported (type-checked with the pipeline); YAML/JSON is read at run time. */
function importKind(path: string): "module" | "file" {
  return /\.(ts|js|mjs)$/i.test(path) ? "module" : "file";
}

interface Plan {
  connector: Connector;
  dest: InitDestination;
  connectorImport: ConnectorImport;
  source: DltxSource;
  force: boolean;
}

/**
 * Every file of the project with its new text, checked against what exists.
 * @throws {ConfigError} naming every file that exists (unless forced)
 */
async function projectFiles(cwd: string, plan: Plan): Promise<ProjectFile[]> {
  const { connector, dest, connectorImport, source, force } = plan;
  const fields = Object.entries(connector.config ?? {});
  const names = (secret: boolean) =>
    fields.filter(([, f]) => (f.secret ?? false) === secret).map(([n]) => n).join(", ") ||
    "none";
  const owned: [string, string, string][] = [
    [
      `${pipelineNameOf(connector)}.ts`,
      renderPipeline({ connector, destination: dest, connectorImport }),
      "the pipeline",
    ],
    [".dlt/config.toml", renderConfigToml(connector, dest), `config: ${names(false)}`],
    [".dlt/secrets.toml", renderSecretsToml(connector, dest), `secrets: ${names(true)}`],
  ];
  const files: ProjectFile[] = [];
  const existing: string[] = [];
  for (const [path, text, what] of owned) {
    const existed = await exists(join(cwd, path));
    if (existed) existing.push(path);
    files.push({ path, text, existed, kind: "own", what });
  }

  const gitignore = await readOptional(join(cwd, ".gitignore"));
  files.push({
    path: ".gitignore",
    text: mergeGitignore(gitignore),
    existed: gitignore !== undefined,
    kind: "merged",
    what: `ignores ${GITIGNORE_ENTRIES.join(", ")}`,
  });

  // deno.jsonc is the project's config only when there is no deno.json.
  let configFile = "deno.json";
  let configText = await readOptional(join(cwd, configFile));
  if (configText === undefined) {
    const jsonc = await readOptional(join(cwd, "deno.jsonc"));
    if (jsonc !== undefined) [configFile, configText] = ["deno.jsonc", jsonc];
  }
  const builtin = connectorImport.kind === "builtin" ? connector.name : undefined;
  const importMap = projectImportMap(source, builtin, denoJson.imports);
  const merged = mergeDenoJson(configText, importMap, {
    file: configFile,
    force,
    settings: projectSettings(source),
  });
  files.push({
    path: configFile,
    text: merged.text,
    existed: configText !== undefined,
    kind: "merged",
    what: `imports "dltx" from ${importMap.imports.dltx}; deps in node_modules/, deno.lock`,
  });

  if (!force && (existing.length > 0 || merged.conflicts.length > 0)) {
    const problems = [
      ...(existing.length > 0
        ? [`${existing.join(", ")} exist${existing.length > 1 ? "" : "s"}`]
        : []),
      ...merged.conflicts.map((c) => `${configFile}: ${c}`),
    ];
    throw new ConfigError(
      `dltx init would overwrite what is there: ${problems.join("; ")}. Nothing was written; ` +
        "run it again with --force to overwrite",
    );
  }
  return files;
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await Deno.readTextFile(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return undefined;
    throw err;
  }
}
