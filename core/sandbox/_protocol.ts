/**
 * The messages between the engine and a connector's sandbox worker. Everything crosses as
 * structured-clone data: the connector definition (functions replaced by hook markers) and
 * errors as name and message; records cross as one JSON text per batch, which V8 writes and
 * reads about twice as fast as it structured-clones the same objects.
 *
 * @module
 */

/** The key of a hook marker: `{ [HOOK_KEY]: "<path of the function in the definition>" }`. */
export const HOOK_KEY = "__dltx_hook__";

/** A function of the definition, as it crosses to the engine. */
export interface HookMarker {
  [HOOK_KEY]: string;
}

/** What the worker does for this engine: hand out the definition, or run its hooks. */
export type WorkerMode = "evaluate" | "hooks";

/** One step of a batch: the hook's path and what it does. */
export interface BatchStep {
  hook: string;
  kind: "filter" | "map";
}

/** Engine -> worker. */
export type ToWorker =
  /** Import `entry` (a `file:` URL) and answer `loaded` (evaluate) or `ready` (hooks). */
  | { type: "start"; mode: WorkerMode; entry: string }
  /** Run `steps` in order over `records` (a JSON array); answer with the same `id`. */
  | { type: "run"; id: number; steps: BatchStep[]; records: string };

/** An error thrown in the worker, as it crosses. */
export interface WorkerError {
  name: string;
  message: string;
  /** Index in the batch's `steps` of the step that threw. */
  step?: number;
}

/** Worker -> engine. */
export type FromWorker =
  /** The default export as data, functions replaced by {@linkcode HookMarker}s. */
  | { type: "loaded"; definition: unknown }
  /** The module is imported and its hooks are found; batches may come. */
  | { type: "ready"; hooks: string[] }
  /** The records after the steps, as a JSON array. */
  | { type: "result"; id: number; records: string }
  /** `id` is absent when the module could not be imported or evaluated. */
  | { type: "failed"; id?: number; error: WorkerError }
  /** A `console.*` call of the connector's code. */
  | { type: "log"; level: "debug" | "info" | "warn" | "error"; text: string };
