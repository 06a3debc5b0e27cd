/**
 * Connector plugins: resolving a spec to a self-contained set of files, storing them under
 * `.dltx/connectors/<name>/`, pinning their sha256 in `dltx.lock`, and loading a vendored
 * connector only after verifying every file.
 *
 * A plugin is one ES module (TS or JS) whose default export is the connector, or a YAML/JSON
 * file with the same keys. At run time it may import only relative files it ships with;
 * `import type` (and `export type ... from`) of anything is fine, as those are erased.
 * `import { type X } from "..."` is not: Deno still loads that module.
 *
 * Specs of `dltx add connector <spec>`:
 * - a built-in name (`github`): the definition is written out as `<name>.ts` (plus its docs
 *   page) so the project can customise it;
 * - a path (`./conn/shop.ts`): the file and every file it imports, in their layout;
 * - an `https://` URL: the same, fetched from that base (plain `http://` only for 127.0.0.1
 *   and localhost, for tests and local registries);
 * - `jsr:@scope/name[@version][/export]`: resolved through JSR's HTTP API (`meta.json`,
 *   `<version>_meta.json`), each file checked against the package manifest's sha256. The env
 *   var `DLTX_JSR_URL` points at another registry (a mirror, a test server).
 *
 * `dltx.lock` (JSON, stable order) holds per connector `name`, `spec`, `kind`,
 * `resolved_version`, `url` or `path`, `entry` and `files` (sha256 by path). `dltx run
 * <name>` loads only the vendored copy, after checking that no file changed, went missing or
 * was added; `dltx add connector <name> --update` re-resolves the spec and prints a diff;
 * `dltx add connector <name> --pin` records deliberate edits.
 *
 * @example Usage
 * ```ts ignore
 * import { installPlugin, loadVendoredConnector, resolvePlugin } from "./mod.ts";
 * const plugin = await resolvePlugin("jsr:@acme/shop@1", { cwd: Deno.cwd() });
 * const { name } = await installPlugin(Deno.cwd(), plugin);
 * const { connector } = await loadVendoredConnector(Deno.cwd(), name);
 * ```
 *
 * @module
 */

export { type ImportRef, scanImports } from "../core/sandbox/mod.ts";
export * from "./lockfile.ts";
export * from "./serialize_connector.ts";
export * from "./resolve_plugin.ts";
export * from "./install_plugin.ts";
export * from "./pin_vendored.ts";
export * from "./load_vendored.ts";
