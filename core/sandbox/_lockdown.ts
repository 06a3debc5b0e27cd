/**
 * Inside the worker, before the connector's module is imported: closes what Deno's worker
 * permissions do not. The permissions govern Deno's operations (files, network, env, ...),
 * but not its module loader: an `import()` the import scanner never saw (built at run time by
 * `eval` or `new Function`) of an `npm:` or `jsr:` specifier is fetched and run even in a
 * worker with no permissions at all. So code cannot be generated from strings here, no nested
 * worker can start, Node's `process` (its `getBuiltinModule("node:vm")` compiles code) and
 * Deno's internals are gone, and permission prompts cannot be asked for. The connector's
 * console goes to the engine's log, and stdout (data with `--to jsonl`) is out of its reach.
 *
 * @module
 */

import type { FromWorker } from "./_protocol.ts";

/** The worker's own ways to talk to the engine, taken before the connector's code can. */
export interface WorkerChannel {
  post(message: FromWorker): void;
}

/**
 * Locks the worker's realm down and returns the channel to the engine.
 *
 * @returns the worker's `postMessage`, which the connector's code no longer has.
 */
export function lockDownRealm(): WorkerChannel {
  const post = globalThis.postMessage.bind(globalThis);
  const inspect = Deno.inspect;
  const channel: WorkerChannel = { post: (message) => post(message) };
  blockCodeFromStrings();
  const g = globalThis as Record<string, unknown>;
  for (const name of ["Worker", "process", "caches", "localStorage", "sessionStorage"]) {
    seal(g, name, undefined);
  }
  seal(g, "postMessage", refuse("postMessage"));
  seal(g, "close", refuse("close"));
  const deno = Deno as unknown as Record<string | symbol, unknown>;
  const internal = deno.internal;
  if (typeof internal === "symbol") delete deno[internal];
  for (const name of ["stdin", "stdout", "stderr"]) seal(deno, name, undefined);
  const permissions = Object.getPrototypeOf(Deno.permissions) as Record<string, unknown>;
  for (const name of ["request", "requestSync"]) {
    seal(permissions, name, refuse(`Deno.permissions.${name}`));
    seal(Deno.permissions as unknown as Record<string, unknown>, name, refuse(name));
  }
  seal(g, "console", forwardingConsole(channel, inspect));
  return channel;
}

/** `eval`, `Function` and the async/generator function constructors all throw. */
function blockCodeFromStrings(): void {
  const blocked = refuse("Building code from a string (eval, new Function)");
  const prototypes = [
    Function.prototype,
    Object.getPrototypeOf(async function () {}),
    Object.getPrototypeOf(function* () {}),
    Object.getPrototypeOf(async function* () {}),
  ];
  for (const proto of prototypes) seal(proto, "constructor", blocked);
  // `x instanceof Function` keeps working.
  blocked.prototype = Function.prototype;
  const g = globalThis as Record<string, unknown>;
  seal(g, "Function", blocked);
  seal(g, "eval", refuse("eval"));
}

/** A function that throws, saying what connector code may not do. */
function refuse(what: string): (...args: unknown[]) => never {
  return function refused() {
    throw new EvalError(`${what} is not available to connector code, which runs in a sandbox`);
  };
}

/** Replaces a property for good: neither writable nor configurable. */
function seal(target: Record<string | symbol, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, writable: false, configurable: false });
}

/** A console whose output goes to the engine's log (stderr), never to stdout. */
function forwardingConsole(channel: WorkerChannel, inspect: typeof Deno.inspect): Console {
  const text = (args: unknown[]) =>
    args.map((a) => typeof a === "string" ? a : inspect(a, { colors: false })).join(" ");
  const at = (level: "debug" | "info" | "warn" | "error") => (...args: unknown[]) =>
    channel.post({ type: "log", level, text: text(args) });
  const quiet = () => {};
  return {
    ...Object.fromEntries(Object.keys(console).map((k) => [k, quiet])),
    log: at("info"),
    info: at("info"),
    debug: at("debug"),
    trace: at("debug"),
    warn: at("warn"),
    error: at("error"),
  } as unknown as Console;
}
