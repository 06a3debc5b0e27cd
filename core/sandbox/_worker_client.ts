/**
 * The engine's side of one sandbox worker: starts `_worker.ts` with narrowed permissions,
 * matches answers to requests, and gives every wait a deadline and the run's abort signal.
 * Whatever happens (an answer, a timeout, an abort, an error the connector's code left
 * uncaught), the caller ends it with `terminate()`.
 *
 * @module
 */

import { ConfigError } from "../errors.ts";
import type { FromWorker, ToWorker, WorkerError } from "./_protocol.ts";

/** What the connector's code may touch, beyond computing. */
export interface SandboxGrant {
  /** Absolute paths of the files it may read (and import). */
  read: string[];
  /** `host:port` (or `host`) it may connect to. */
  net: string[];
}

/** Deno's worker permissions for a grant: everything else is denied. */
export function workerPermissions(grant: SandboxGrant): Record<string, unknown> {
  return {
    read: grant.read.length > 0 ? grant.read : false,
    net: grant.net.length > 0 ? grant.net : false,
    import: false,
    env: false,
    write: false,
    run: false,
    ffi: false,
    sys: false,
  };
}

/** A failure of the worker itself: it did not answer in time, was stopped, or crashed. */
export class WorkerFailure extends Error {
  constructor(readonly error: WorkerError) {
    super(error.message);
    this.name = "WorkerFailure";
  }
}

interface Pending {
  resolve(message: FromWorker): void;
  reject(error: unknown): void;
}

/** Options of {@linkcode SandboxWorker.start}. */
export interface StartOptions {
  /** Receives the connector's `console.*` output. */
  onLog?: (level: "debug" | "info" | "warn" | "error", text: string) => void;
}

/** One running sandbox worker. */
export class SandboxWorker {
  readonly #worker: Worker;
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;
  #dead?: WorkerError;

  private constructor(worker: Worker, options: StartOptions) {
    this.#worker = worker;
    worker.onmessage = (event: MessageEvent<FromWorker>) => this.#receive(event.data, options);
    worker.onerror = (event: ErrorEvent) => {
      // Left unhandled, an error of the connector's code would end the engine's process.
      event.preventDefault();
      this.#die({ name: "Uncaught", message: event.message });
    };
    worker.onmessageerror = () => this.#die({ name: "DataCloneError", message: "unreadable" });
  }

  /**
   * Starts the worker. Needs Deno's `--unstable-worker-options` (the CLI and its compiled
   * binary have it; `"unstable": ["worker-options"]` in deno.json sets it for `deno run`).
   *
   * @throws {ConfigError} when this process itself lacks what the sandbox would grant.
   */
  static start(grant: SandboxGrant, options: StartOptions = {}): SandboxWorker {
    const url = new URL("./_worker.ts", import.meta.url);
    let worker: Worker;
    try {
      worker = new Worker(url, {
        type: "module",
        name: "dltx connector sandbox",
        deno: { permissions: workerPermissions(grant) },
      } as WorkerOptions);
    } catch (error) {
      // A worker gets no permission its parent lacks (`deno run --allow-net=<other host>`).
      throw new ConfigError(
        `Cannot start a connector's sandbox: ${(error as Error).message}; this process must ` +
          `itself be allowed what the connector is (its files, its declared hosts)`,
        { cause: error },
      );
    }
    return new SandboxWorker(worker, options);
  }

  /**
   * Sends a message and waits for its answer: the one with the same `id`, or for `start` the
   * first answer without one.
   *
   * @throws {WorkerFailure} on a timeout, an abort, or a worker that died.
   */
  request(
    message: ToWorker,
    options: { timeoutMs: number; signal?: AbortSignal; what: string },
  ): Promise<FromWorker> {
    if (this.#dead) return Promise.reject(new WorkerFailure(this.#dead));
    const id = message.type === "run" ? message.id : 0;
    return new Promise<FromWorker>((resolve, reject) => {
      const { signal } = options;
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        this.#pending.delete(id);
      };
      const timer = setTimeout(() => {
        done();
        const seconds = Math.round(options.timeoutMs / 100) / 10;
        reject(
          new WorkerFailure({
            name: "Timeout",
            message: `${options.what} did not finish within ${seconds} s`,
          }),
        );
      }, options.timeoutMs);
      const onAbort = () => {
        done();
        reject(signal?.reason);
      };
      if (signal?.aborted) return onAbort();
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#pending.set(id, {
        resolve: (answer) => {
          done();
          resolve(answer);
        },
        reject: (error) => {
          done();
          reject(error);
        },
      });
      this.#worker.postMessage(message);
    });
  }

  /** A new batch id. */
  nextId(): number {
    return this.#nextId++;
  }

  /** Stops the worker; waiting requests fail. Safe to call more than once. */
  terminate(): void {
    this.#die({ name: "Terminated", message: "the connector's sandbox was stopped" });
  }

  #receive(message: FromWorker, options: StartOptions): void {
    if (message.type === "log") {
      options.onLog?.(message.level, String(message.text));
      return;
    }
    const id = message.type === "result" || message.type === "failed" ? message.id ?? 0 : 0;
    this.#pending.get(id)?.resolve(message);
  }

  #die(error: WorkerError): void {
    if (!this.#dead) {
      this.#dead = error;
      this.#worker.terminate();
    }
    for (const pending of [...this.#pending.values()]) pending.reject(new WorkerFailure(error));
    this.#pending.clear();
  }
}
