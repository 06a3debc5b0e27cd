/**
 * Hooks of sandboxed connectors: the functions of a plugin's definition (`processing_steps`)
 * stand in the engine as stubs; the engine runs them in a hook worker whose network is the
 * connector's declared hosts, one round trip per page of records.
 *
 * @module
 */

import { parseJson, stringifyJson } from "../json/mod.ts";
import { ConfigError, DataError } from "../errors.ts";
import { denialMessage, denialOf } from "./_denial.ts";
import type { BatchStep, FromWorker, WorkerError } from "./_protocol.ts";
import { SandboxWorker, WorkerFailure } from "./_worker_client.ts";
import { loadError } from "./_load_error.ts";

/** A connector module to run in a sandbox. */
export interface SandboxModule {
  /** The entry's `file:` URL. */
  url: string;
  /** Absolute paths of the files its code may read (and import): its own files. */
  files: string[];
  /** The connector as named in messages before its name is known (a path). */
  label: string;
}

/** Receives a connector's `console.*` output. */
export type LogSink = (level: "debug" | "info" | "warn" | "error", text: string) => void;

/** A plugin whose functions run only in its sandbox. */
export class SandboxedPlugin {
  constructor(readonly module: SandboxModule) {}
}

/** A hook stub: its plugin and the path of the function in the definition. */
export interface SandboxHook {
  plugin: SandboxedPlugin;
  hook: string;
}

const STUBS = new WeakMap<object, SandboxHook>();

/**
 * A function standing for a hook of a sandboxed plugin. It cannot be called in the engine:
 * the engine finds its hook with {@linkcode sandboxHookOf} and runs it in the sandbox.
 */
export function hookStub(plugin: SandboxedPlugin, hook: string): (...args: unknown[]) => never {
  const stub = () => {
    throw new DataError(`${hook} of connector ${plugin.module.label} runs only in its sandbox`);
  };
  STUBS.set(stub, { plugin, hook });
  return stub;
}

/** The sandboxed hook a function stands for; `undefined` for an ordinary function. */
export function sandboxHookOf(fn: unknown): SandboxHook | undefined {
  return typeof fn === "function" ? STUBS.get(fn) : undefined;
}

/** Options of {@linkcode startHookSession}. */
export interface HookSessionOptions {
  /** The connector's name, for messages. */
  connector: string;
  /** `host:port` the hooks may connect to: the connector's declared hosts. */
  net: string[];
  /** Time one batch (or the module's start) may take. @default 60000 */
  timeoutMs?: number;
  /** Stops the worker and every waiting batch (the run's Ctrl-C). */
  signal?: AbortSignal;
  onLog?: LogSink;
}

/** Where a batch runs, for messages. */
export interface BatchPlace {
  resource: string;
  /** 1-based number of the batch's first step among the resource's processing steps. */
  firstStep: number;
}

/** A hook worker for one extraction; `close()` it when the extraction ends, however it ends. */
export interface HookSession {
  /**
   * Runs `steps` in order over one page of records, in one round trip.
   *
   * @throws {ConfigError} when a hook was denied a permission (one line, how to grant it).
   * @throws {DataError} when a hook threw, returned no record, or did not finish in time.
   */
  run(steps: BatchStep[], records: unknown[], place: BatchPlace): Promise<unknown[]>;
  close(): void;
}

/**
 * Prepares a hook worker for a plugin; it starts (and evaluates the module once more, now
 * with the network of its declared hosts) at the first batch.
 */
export function startHookSession(
  plugin: SandboxedPlugin,
  options: HookSessionOptions,
): HookSession {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const name = JSON.stringify(options.connector);
  let worker: SandboxWorker | undefined;
  let ready: Promise<void> | undefined;
  let closed = false;
  const { signal } = options;
  const onAbort = () => worker?.terminate();
  signal?.addEventListener("abort", onAbort, { once: true });

  const start = async () => {
    worker = SandboxWorker.start({ read: plugin.module.files, net: options.net }, options);
    const answer = await worker.request(
      { type: "start", mode: "hooks", entry: plugin.module.url },
      { timeoutMs, signal, what: `Loading connector ${name}` },
    ).catch((error) => {
      if (signal?.aborted) throw signal.reason;
      throw error instanceof WorkerFailure ? loadError(name, error.error) : error;
    });
    if (answer.type === "failed") throw loadError(name, answer.error);
  };

  return {
    async run(steps, records, place) {
      if (closed) throw new DataError(`Connector ${name}: its sandbox was closed`);
      ready ??= start();
      await ready;
      const id = worker!.nextId();
      const label = (i: number) =>
        `processing step ${place.firstStep + i} (${steps[i]?.kind ?? "step"})`;
      let answer: FromWorker;
      try {
        const text = stringifyJson(records);
        answer = await worker!.request({ type: "run", id, steps, records: text }, {
          timeoutMs,
          signal,
          what: `Connector ${name}, resource "${place.resource}": ${
            steps.length === 1 ? label(0) : `processing steps ${place.firstStep}-` +
              `${place.firstStep + steps.length - 1}`
          }`,
        });
      } catch (error) {
        // Stopped by the run's signal (Ctrl-C): the run's reason, not the worker's end.
        if (signal?.aborted) throw signal.reason;
        if (!(error instanceof WorkerFailure)) throw error;
        throw hookError(name, place.resource, undefined, error.error);
      }
      if (answer.type === "result") return parseJson(answer.records) as Record<string, unknown>[];
      if (answer.type === "failed") {
        const step = answer.error.step;
        throw hookError(name, place.resource, step === undefined ? undefined : label(step), {
          name: answer.error.name,
          message: answer.error.message,
        });
      }
      throw new DataError(`Connector ${name} answered ${answer.type} to a batch`);
    },
    close() {
      closed = true;
      signal?.removeEventListener("abort", onAbort);
      worker?.terminate();
    },
  };
}

function hookError(
  name: string,
  resource: string,
  step: string | undefined,
  error: WorkerError,
): Error {
  const where = step ? `in ${step} of resource "${resource}"` : `in resource "${resource}"`;
  const denial = denialOf(error.message);
  if (denial) return new ConfigError(denialMessage(name, denial, where));
  if (error.name === "Timeout") return new DataError(`${error.message}; it may be stuck`);
  const what = step ? `${step} failed` : "failed";
  return new DataError(`Connector ${name}, resource "${resource}": ${what}: ${error.message}`);
}
