/**
 * What `dltx init` prints: the files it wrote and the next steps, and a warning when the
 * destination cannot load some of the connector's resources.
 *
 * @module
 */

import { envKey } from "../config/mod.ts";
import type { Connector, ResourceConfig } from "../source/types.ts";
import { type InitDestination, pipelineNameOf } from "./_init_templates.ts";

/** One file of the project and what init does with it. */
export interface ProjectFile {
  /** Relative to the project, `/`-separated. */
  path: string;
  /** New text, or `undefined` to leave the file as it is. */
  text: string | undefined;
  existed: boolean;
  /** `own`: written whole (overwritten with --force); `merged`: entries added to the user's. */
  kind: "own" | "merged";
  /** Shown after the path in the summary. */
  what: string;
}

/** The summary: each file and what happened to it, then the next steps. */
export function initSummary(
  files: readonly ProjectFile[],
  info: { connector: Connector; dest: InitDestination; spec: string },
): string {
  const { connector, dest, spec } = info;
  const width = Math.max(...files.map((f) => f.path.length));
  const status = (f: ProjectFile) =>
    f.text === undefined
      ? "unchanged"
      : !f.existed
      ? "created"
      : f.kind === "own"
      ? "overwritten"
      : "updated";
  const lines = [
    `Created a pipeline that loads the ${connector.name} connector into ${dest}:`,
    ...files.map((f) => `  ${f.path.padEnd(width)}  ${f.what} (${status(f)})`),
    "",
    "Next steps:",
  ];
  const fields = Object.entries(connector.config ?? {});
  // No default: required; `default: null`: optional (the connector works without it).
  const named = (secret: boolean, optional: boolean) =>
    fields.filter(([, f]) =>
      (f.secret ?? false) === secret && (optional ? f.default === null : f.default === undefined)
    ).map(([n]) => n);
  const required = (secret: boolean) => named(secret, false);
  const env = (names: string[]) =>
    names.map((n) => envKey(["sources", connector.name, n])).join(", ");
  const steps: string[] = [];
  const secrets = required(true);
  if (secrets.length > 0) {
    steps.push(`Put the secrets in .dlt/secrets.toml (or in env vars ${env(secrets)})`);
  }
  const optionalSecrets = named(true, true);
  if (optionalSecrets.length > 0) {
    steps.push(
      `Optionally, put ${optionalSecrets.join(", ")} in .dlt/secrets.toml (or in env vars ` +
        `${env(optionalSecrets)})`,
    );
  }
  const settings = required(false);
  steps.push(
    settings.length > 0
      ? `Set ${settings.join(", ")} in .dlt/config.toml (or in env vars ${env(settings)})`
      : "Check the settings in .dlt/config.toml",
  );
  const name = pipelineNameOf(connector);
  const run = `dltx run ${spec}${dest === "duckdb" ? "" : ` --to ${dest}`}`;
  steps.push(`Run the pipeline: deno run -A ${name}.ts (or, with no code: ${run})`);
  steps.push(`See what was loaded: dltx pipeline ${name} info`);
  lines.push(...steps.map((s, i) => `  ${i + 1}. ${s}`));
  if (connector.docs_url) {
    lines.push(`The ${connector.name} connector's docs: ${connector.docs_url}`);
  }
  return lines.join("\n") + "\n";
}

/** A warning for resources the destination cannot load, or `undefined`. */
export function destinationWarning(
  connector: Connector,
  dest: InitDestination,
): string | undefined {
  const merged = dest === "filesystem" ? mergeResources(connector) : [];
  if (merged.length === 0) return undefined;
  return `warning: resource(s) ${merged.join(", ")} of the ${connector.name} connector load ` +
    'with write_disposition "merge", which the filesystem destination does not support; give ' +
    'them "append" or "replace" in a copy of the connector (dltx add connector ' +
    `${connector.name}), or load into duckdb\n`;
}

/** The resources that load with `merge` (the filesystem destination cannot). */
function mergeResources(connector: Connector): string[] {
  const dispositionOf = (wd: ResourceConfig["write_disposition"]) =>
    typeof wd === "object" ? wd.disposition : wd;
  const fallback = dispositionOf(connector.resource_defaults?.write_disposition);
  return connector.resources.filter((r) => {
    if (typeof r === "string") return fallback === "merge";
    // A parent that is not loaded itself writes no table.
    return r.selected !== false && (dispositionOf(r.write_disposition) ?? fallback) === "merge";
  }).map((r) => typeof r === "string" ? r : r.name);
}
