/**
 * What the MCP secrets tools answer, as dlt's: where secrets are set (keys, never values),
 * the secrets TOML with every value redacted, and merging a fragment the user approved into
 * `.dlt/secrets.toml`. The assistant never needs to open the file, and no answer of these
 * tools carries a value: keys and places only.
 *
 * @module
 */

import { dirname, join, resolve } from "node:path";
import { UserError } from "../../errors.ts";
import type { CliContext } from "../context.ts";
import {
  dottedKey,
  isPlaceholder,
  mergeTomlFragment,
  parseTomlQuietly,
  redactToml,
  tomlLeaves,
} from "./_toml_fragment.ts";

/** A secrets file dltx reads: the project's, then the user's (`~/.dlt/`). */
export interface SecretsFile {
  path: string;
  scope: "project" | "global";
}

/** The secrets files of the project in `ctx.cwd`, project first, as the config loader reads them. */
export function secretsFiles(ctx: CliContext): SecretsFile[] {
  const files: SecretsFile[] = [
    { path: join(ctx.cwd, ".dlt", "secrets.toml"), scope: "project" },
  ];
  const home = ctx.env.HOME ?? ctx.env.USERPROFILE;
  if (home) files.push({ path: join(home, ".dlt", "secrets.toml"), scope: "global" });
  return files;
}

/** Env var sections that hold config of sources and destinations (`SOURCES__GITHUB__TOKEN`). */
const ENV_SECTIONS = new Set(["SOURCES", "DESTINATION"]);

/**
 * `secrets_list`: each secrets file with whether it exists and the keys it sets (a
 * `<placeholder>` value counts as not set), and the env vars that set sources' and
 * destinations' config. Values are never read into the answer.
 *
 * @throws {UserError} when a secrets file is not valid TOML (line and column only)
 */
export async function secretsList(ctx: CliContext): Promise<Record<string, unknown>> {
  const files = [];
  for (const file of secretsFiles(ctx)) {
    const text = await readOptional(file.path);
    const leaves = text === undefined ? [] : tomlLeaves(parseTomlQuietly(text, file.path));
    files.push({
      ...file,
      present: text !== undefined,
      keys: leaves.filter((l) => !isPlaceholder(l.value)).map((l) => dottedKey(l.path)),
      placeholders: leaves.filter((l) => isPlaceholder(l.value)).map((l) => dottedKey(l.path)),
    });
  }
  const env = Object.keys(ctx.env)
    .filter((name) => ctx.env[name] !== undefined && isConfigEnvName(name))
    .sort()
    .map((name) => ({ name, key: name.toLowerCase().split("__").join(".") }));
  return {
    files,
    env,
    note: "Env vars win over the files, the project's file over the global one. Values are " +
      "never shown; ask the user for a missing one and set it with secrets_update_fragment.",
  };
}

function isConfigEnvName(name: string): boolean {
  const parts = name.split("__");
  // `SOURCES__X__Y`, or pipeline-scoped `<PIPELINE>__SOURCES__X__Y`.
  return parts.length >= 3 && parts.slice(0, 2).some((p) => ENV_SECTIONS.has(p)) &&
    parts.every((p) => p !== "");
}

/**
 * `secrets_view_redacted`: a secrets file as TOML with every value replaced by stars (a
 * `<placeholder>` stays, so the assistant sees which keys still need a value).
 *
 * @param path one of {@linkcode secretsFiles}' paths, `project` or `global`; default the
 *   project's file.
 * @throws {UserError} for another path, a missing file or one that is not valid TOML
 */
export async function secretsViewRedacted(
  ctx: CliContext,
  path?: string,
): Promise<Record<string, unknown>> {
  const file = pickFile(ctx, path);
  const text = await readOptional(file.path);
  if (text === undefined) {
    throw new UserError(
      `There is no secrets file at ${file.path}; secrets_update_fragment creates it`,
    );
  }
  return { ...file, toml: redactToml(parseTomlQuietly(text, file.path)) };
}

/**
 * `secrets_update_fragment`: merges a TOML fragment into a secrets file (created with mode
 * 0600 when missing), keeping its comments and other values, and says which keys it set.
 *
 * @param fragment the TOML the user approved, e.g. `[sources.github]\naccess_token = "..."`.
 * @param path as {@linkcode secretsViewRedacted}'s; default the project's file.
 * @throws {UserError} for a fragment that is not valid TOML or does not fit the file, another
 *   path, or a file that is not valid TOML; nothing is written then
 */
export async function secretsUpdateFragment(
  ctx: CliContext,
  fragment: string,
  path?: string,
): Promise<Record<string, unknown>> {
  const file = pickFile(ctx, path);
  const existing = await readOptional(file.path);
  const { text, added, updated } = mergeTomlFragment(existing ?? "", fragment, file.path);
  if (text !== existing) await writeAtomically(file.path, text);
  return {
    ...file,
    created: existing === undefined,
    added,
    updated,
    note: "Values are not shown. Run config_status to check the connector finds them.",
  };
}

function pickFile(ctx: CliContext, path: string | undefined): SecretsFile {
  const files = secretsFiles(ctx);
  if (path === undefined || path === "") return files[0];
  const wanted = path === "project" || path === "global" ? path : resolve(ctx.cwd, path);
  const file = files.find((f) => f.scope === wanted || f.path === wanted);
  if (!file) {
    throw new UserError(
      `${path} is not a secrets file of this project; use one that secrets_list shows: ${
        files.map((f) => f.path).join(", ")
      }`,
    );
  }
  return file;
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await Deno.readTextFile(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return undefined;
    throw err;
  }
}

/** Writes next to the file, then renames: a reader never sees half a secrets file. */
async function writeAtomically(path: string, text: string): Promise<void> {
  await Deno.mkdir(dirname(path), { recursive: true });
  const mode = (await Deno.stat(path).catch(() => undefined))?.mode ?? 0o600;
  const temp = `${path}.${crypto.randomUUID().slice(0, 8)}.tmp`;
  try {
    await Deno.writeTextFile(temp, text, { mode: mode & 0o777, createNew: true });
    await Deno.rename(temp, path);
  } catch (err) {
    await Deno.remove(temp).catch(() => {});
    throw err;
  }
}
