/**
 * The sandbox of connector plugins. A TS/JS connector (a file given by path, or vendored under
 * `.dltx/connectors/`) is plugin code: `dltx add` only reads, hashes and scans it
 * ({@linkcode scanImports}, {@linkcode collectFiles}, {@linkcode readModuleMeta}); at run time
 * its module is evaluated in a Deno Worker that may read only its own files
 * ({@linkcode evaluateModule}), and its hooks run in a second worker whose network is the
 * connector's declared hosts ({@linkcode startHookSession}). No worker may write files, read
 * env vars, run programs, load native code or import anything but the connector's files.
 *
 * Workers with narrowed permissions need Deno's `--unstable-worker-options` flag: the CLI's
 * `deno.json` sets it (`"unstable": ["worker-options"]`) and the compiled binary is built with
 * it. Without it, Deno stops the process at the first sandbox (exit code 70) rather than run
 * plugin code with the process's own permissions.
 *
 * @module
 */

export * from "./scan_imports.ts";
export * from "./collect_files.ts";
export * from "./module_meta.ts";
export * from "./net_hosts.ts";
export * from "./hooks.ts";
export * from "./evaluate.ts";
