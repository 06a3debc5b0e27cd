/**
 * `dltx add connector <spec>`: vendors a connector plugin (a built-in name, a path, an
 * `https://` URL or `jsr:@scope/name[@version]`) under `.dltx/connectors/<name>/` and pins
 * it in `dltx.lock`. `--update` re-resolves a pinned connector and shows the diff; `--pin`
 * accepts local edits of a vendored copy.
 *
 * @module
 */

import denoJson from "../../deno.json" with { type: "json" };
import { getBuiltinConnector, listBuiltinConnectors } from "../../connectors/mod.ts";
import {
  type BuiltinPlugin,
  installPlugin,
  type InstallResult,
  pinVendored,
  readLockfile,
  resolvePlugin,
  type ResolvePluginOptions,
} from "../../plugins/mod.ts";
import { UserError } from "../errors.ts";
import type { CliContext } from "./context.ts";

/** Options of `dltx add connector`, as parsed from the command line. */
export interface AddConnectorOptions {
  /** Store it under this name instead of the definition's `name`. */
  name?: string;
  /** Re-resolve the pinned spec of connector `<spec>` and show what changed. */
  update?: boolean;
  /** Replace a connector of the same name that came from another spec. */
  force?: boolean;
  /** Record the current files of `.dltx/connectors/<spec>/` as pinned (after editing them). */
  pin?: boolean;
}

/** Runs `dltx add connector`; returns the exit code. */
export async function addConnectorCommand(
  ctx: CliContext,
  spec: string,
  options: AddConnectorOptions,
): Promise<number> {
  if (options.update && options.pin) throw new UserError("Use either --update or --pin, not both");
  if ((options.update || options.pin) && options.name !== undefined) {
    throw new UserError(`--name applies when adding a connector, not with --update or --pin`);
  }
  let result: InstallResult;
  if (options.pin) {
    result = await pinVendored(ctx.cwd, spec);
  } else if (options.update) {
    result = await update(ctx, spec, options);
  } else {
    const plugin = await resolvePlugin(spec, resolveOptions(ctx));
    result = await installPlugin(ctx.cwd, plugin, { name: options.name, force: options.force });
  }
  ctx.stdout.write(report(result, options));
  return 0;
}

async function update(
  ctx: CliContext,
  nameOrSpec: string,
  options: AddConnectorOptions,
): Promise<InstallResult> {
  const lock = await readLockfile(ctx.cwd);
  const locked = Object.hasOwn(lock.connectors, nameOrSpec)
    ? lock.connectors[nameOrSpec]
    : Object.values(lock.connectors).find((c) => c.spec === nameOrSpec);
  if (!locked) {
    const names = Object.keys(lock.connectors).join(", ") || "none";
    throw new UserError(
      `Cannot update "${nameOrSpec}": it is not in dltx.lock (pinned: ${names}); add it with ` +
        `\`dltx add connector ${nameOrSpec}\``,
    );
  }
  const plugin = await resolvePlugin(locked.spec, resolveOptions(ctx));
  return await installPlugin(ctx.cwd, plugin, { name: locked.name, force: options.force });
}

function resolveOptions(ctx: CliContext): ResolvePluginOptions {
  return {
    cwd: ctx.cwd,
    fetch: ctx.deps.fetch,
    signal: ctx.signal,
    jsrUrl: ctx.env.DLTX_JSR_URL,
    builtin: builtinPlugin,
    builtinNames: listBuiltinConnectors().map((c) => c.name),
  };
}

function builtinPlugin(name: string): BuiltinPlugin | undefined {
  const connector = getBuiltinConnector(name);
  if (!connector) return undefined;
  return { connector, docs: builtinDocs(name), dltxVersion: denoJson.version };
}

/** `connectors/<name>.md`, when it ships with this build. */
function builtinDocs(name: string): string | undefined {
  try {
    return Deno.readTextFileSync(new URL(`../../connectors/${name}.md`, import.meta.url));
  } catch {
    return undefined;
  }
}

function report(result: InstallResult, options: AddConnectorOptions): string {
  const { name, locked, status, changes } = result;
  const version = locked.resolved_version ? `, version ${locked.resolved_version}` : "";
  const from = locked.kind === "builtin" ? `built-in ${locked.spec}` : locked.spec;
  const where = `.dltx/connectors/${name}/`;
  const files = Object.keys(locked.files).join(", ");
  const changed = changes.map((c) => `${c.path} (${c.change})`).join(", ");
  const run = `Run it with: dltx run ${name}`;
  switch (status) {
    case "unchanged":
      return options.pin
        ? `${where} already matches dltx.lock; nothing to pin\n`
        : `Connector "${name}" is up to date (${from}${version}); nothing changed\n`;
    case "added":
      return options.pin
        ? `Pinned ${where} (${files}) in dltx.lock. ${run}\n`
        : `Added connector "${name}" (${from}${version}) to ${where}: ${files}\n` +
          `Pinned the sha256 of each file in dltx.lock. ${run}\n`;
    case "updated":
      return options.pin
        ? `Pinned the edits of ${where} in dltx.lock: ${changed}\n`
        : `${result.diff}Updated connector "${name}" from ${from}${version}: ` +
          `${changed || "no file changed"}; dltx.lock updated\n`;
    case "replaced":
      return `${result.diff}Replaced connector "${name}" with ${from}${version} in ${where}: ` +
        `${files}; dltx.lock updated. ${run}\n`;
  }
}
