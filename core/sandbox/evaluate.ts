/**
 * Evaluates a connector module (TS/JS plugin code) inside a sandbox worker that may read only
 * the connector's own files and nothing else: no network, no env, no writes, no programs. Its
 * default export comes back as data; each function in it becomes a hook stub that the engine
 * runs later in a hook worker ({@linkcode startHookSession}).
 *
 * @module
 */

import { ConfigError } from "../errors.ts";
import { loadError } from "./_load_error.ts";
import { HOOK_KEY } from "./_protocol.ts";
import { SandboxWorker, WorkerFailure } from "./_worker_client.ts";
import { hookStub, type LogSink, SandboxedPlugin, type SandboxModule } from "./hooks.ts";

/** Options of {@linkcode evaluateModule}. */
export interface EvaluateOptions {
  /** Time the module has to load and evaluate. @default 30000 */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Receives the module's `console.*` output. */
  onLog?: LogSink;
}

/**
 * Imports the module in a sandbox and returns its default export as data.
 *
 * @example Usage
 * ```ts ignore
 * import { evaluateModule } from "./evaluate.ts";
 * const definition = await evaluateModule({ entry: "/p/shop.ts", files: ["/p/shop.ts"], label: "shop.ts" });
 * ```
 * @param module the entry, the files it may read, and its name in messages.
 * @returns the default export; functions are stubs the hook worker runs.
 * @throws {ConfigError} for a denied permission (one line naming it), a module without default
 *   export, an error while importing, or a module that does not finish loading in time.
 */
export async function evaluateModule(
  module: SandboxModule,
  options: EvaluateOptions = {},
): Promise<unknown> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const worker = SandboxWorker.start({ read: module.files, net: [] }, { onLog: options.onLog });
  try {
    const answer = await worker.request(
      { type: "start", mode: "evaluate", entry: module.url },
      { timeoutMs, signal: options.signal, what: `Loading connector module ${module.label}` },
    ).catch((error) => {
      if (error instanceof WorkerFailure) throw loadError(module.label, error.error);
      throw error;
    });
    if (answer.type === "failed") throw loadError(module.label, answer.error);
    if (answer.type !== "loaded") {
      throw new ConfigError(`Connector module ${module.label} answered ${answer.type}`);
    }
    return revive(answer.definition, new SandboxedPlugin(module));
  } finally {
    worker.terminate();
  }
}

/** Replaces hook markers by stubs bound to the plugin. */
function revive(value: unknown, plugin: SandboxedPlugin): unknown {
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((v) => revive(v, plugin));
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  if (keys.length === 1 && keys[0] === HOOK_KEY && typeof record[HOOK_KEY] === "string") {
    return hookStub(plugin, record[HOOK_KEY]);
  }
  const out: Record<string, unknown> = {};
  for (const key of keys) out[key] = revive(record[key], plugin);
  return out;
}
