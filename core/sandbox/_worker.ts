/**
 * The sandbox worker's entry: started by the engine with narrowed permissions, it locks its
 * realm down, imports the connector's module and then either hands out the definition as data
 * (`evaluate`) or runs the definition's hooks over batches of records (`hooks`).
 *
 * Only the engine's first `start` message is obeyed; everything the connector's code could
 * forge (it cannot post, see `_lockdown.ts`) answers no more than its hooks could.
 *
 * @module
 */

import { parseJson, stringifyJson } from "../json/mod.ts";
import { definitionData } from "./_definition.ts";
import { lockDownRealm } from "./_lockdown.ts";
import type { BatchStep, ToWorker, WorkerError } from "./_protocol.ts";

type Hook = (...args: unknown[]) => unknown;

const channel = lockDownRealm();
let hooks: Map<string, Hook> | undefined;
let started = false;

globalThis.addEventListener("message", (event: MessageEvent<ToWorker>) => {
  const message = event.data;
  if (message.type === "start" && !started) {
    started = true;
    start(message.mode, message.entry).catch((error) =>
      channel.post({ type: "failed", error: errorData(error) })
    );
  } else if (message.type === "run" && hooks) {
    runBatch(hooks, message.steps, parseJson(message.records) as unknown[]).then(
      (records) => postResult(message.id, records),
      (error) => channel.post({ type: "failed", id: message.id, error: errorData(error) }),
    );
  }
});

async function start(mode: "evaluate" | "hooks", entry: string): Promise<void> {
  const module = await import(entry);
  if (!("default" in module) || module.default === undefined) {
    const named = Object.keys(module);
    throw new NoDefaultExport(named);
  }
  if (mode === "evaluate") {
    channel.post({ type: "loaded", definition: definitionData(module.default) });
    return;
  }
  const found = new Map<string, Hook>();
  definitionData(module.default, found);
  hooks = found;
  channel.post({ type: "ready", hooks: [...found.keys()] });
}

/** The module has no default export; `message` lists what it exports. */
class NoDefaultExport extends Error {
  constructor(named: string[]) {
    super(named.join(", "));
    this.name = "NoDefaultExport";
  }
}

async function runBatch(found: Map<string, Hook>, steps: BatchStep[], input: unknown[]) {
  let records = input;
  for (let i = 0; i < steps.length; i++) {
    const { hook, kind } = steps[i];
    const fn = found.get(hook);
    try {
      if (!fn) throw new Error(`${hook} is not a function of the connector's definition`);
      if (kind === "filter") {
        const kept: unknown[] = [];
        for (const record of records) {
          let keep = fn(record);
          if (keep instanceof Promise) keep = await keep; // an async hook; others cost no await
          if (keep) kept.push(record);
        }
        records = kept;
      } else {
        const mapped: unknown[] = [];
        for (const record of records) {
          let out = fn(record);
          if (out instanceof Promise) out = await out;
          if (out === undefined) throw new MapReturnedUndefined();
          mapped.push(out);
        }
        records = mapped;
      }
    } catch (error) {
      throw Object.assign(errorData(error), { step: i });
    }
  }
  return records;
}

/** A map step returned `undefined` instead of a record. */
class MapReturnedUndefined extends Error {
  constructor() {
    super("returned undefined; a map step must return the record");
    this.name = "MapReturnedUndefined";
  }
}

function postResult(id: number, records: unknown[]): void {
  let text: string;
  try {
    // Exact numbers both ways: ids past 2^53 stay bigints, `1.0` stays a float.
    text = stringifyJson(records);
  } catch (error) {
    // A cycle (or a function's result that is no data) has no JSON form.
    const message = `returned a record that is not JSON data: ${(error as Error).message}`;
    channel.post({ type: "failed", id, error: { name: "DataError", message } });
    return;
  }
  channel.post({ type: "result", id, records: text });
}

function errorData(error: unknown): WorkerError {
  if (isWorkerError(error)) return error;
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: "Error", message: String(error) };
}

function isWorkerError(error: unknown): error is WorkerError {
  return error !== null && typeof error === "object" && !(error instanceof Error) &&
    typeof (error as WorkerError).name === "string" &&
    typeof (error as WorkerError).message === "string";
}
