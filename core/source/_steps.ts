/**
 * Runs a resource's processing steps over one page of records, in dlt's order. A step of an
 * ordinary connector (a built-in, a library user's definition) runs here; the steps of a
 * sandboxed plugin run in its hook worker, consecutive ones together: one round trip per page.
 *
 * @module
 */

import { DataError } from "../errors.ts";
import type { Logger } from "../log.ts";
import {
  type HookSession,
  type SandboxedPlugin,
  sandboxHookOf,
  startHookSession,
} from "../sandbox/mod.ts";
import type { ProcessingStep } from "./types.ts";

/** Options of a {@linkcode StepRunner}. */
export interface StepRunnerOptions {
  /** The connector's name, for messages. */
  connector: string;
  /** What its hooks may connect to (`host:port`): its declared hosts. */
  net: string[];
  /** Time one page's hooks may take, in ms. */
  timeoutMs?: number;
  /** The extraction's signal: stops the hook workers. */
  signal: AbortSignal;
  logger: Logger;
  mask: (text: string) => string;
}

/** Runs processing steps for one extraction; `close()` stops its hook workers. */
export class StepRunner {
  readonly #sessions = new Map<SandboxedPlugin, HookSession>();

  constructor(readonly options: StepRunnerOptions) {}

  /**
   * Runs `steps` over `records`.
   *
   * @throws {DataError} when a step throws or a map step returns no record.
   * @throws {ConfigError} when a sandboxed step was denied a permission.
   */
  async run(resource: string, steps: ProcessingStep[], records: unknown[]): Promise<unknown[]> {
    let out = records;
    for (let i = 0; i < steps.length;) {
      const plugin = pluginOf(steps[i]);
      if (plugin === undefined) {
        out = await runInProcess(resource, steps[i], i + 1, out);
        i++;
        continue;
      }
      let end = i + 1;
      while (end < steps.length && pluginOf(steps[end]) === plugin) end++;
      const batch = steps.slice(i, end).map((step) => {
        const kind = "filter" in step ? "filter" as const : "map" as const;
        const fn = "filter" in step ? step.filter : step.map;
        return { hook: sandboxHookOf(fn)!.hook, kind };
      });
      out = await this.#session(plugin).run(batch, out, { resource, firstStep: i + 1 });
      i = end;
    }
    return out;
  }

  /** Stops every hook worker of this extraction. */
  close(): void {
    for (const session of this.#sessions.values()) session.close();
    this.#sessions.clear();
  }

  #session(plugin: SandboxedPlugin): HookSession {
    let session = this.#sessions.get(plugin);
    if (!session) {
      const { connector, logger, mask } = this.options;
      session = startHookSession(plugin, {
        ...this.options,
        onLog: (level, text) => {
          const line = mask(`Connector "${connector}": ${text}`);
          if (level === "debug") logger.debug(line);
          else if (level === "info") logger.info(line);
          else logger.warn(line);
        },
      });
      this.#sessions.set(plugin, session);
    }
    return session;
  }
}

function pluginOf(step: ProcessingStep): SandboxedPlugin | undefined {
  return sandboxHookOf("filter" in step ? step.filter : step.map)?.plugin;
}

async function runInProcess(
  resource: string,
  step: ProcessingStep,
  number: number,
  records: unknown[],
): Promise<unknown[]> {
  const label = `processing step ${number} (${"filter" in step ? "filter" : "map"})`;
  const out: unknown[] = [];
  let returnedUndefined = false;
  try {
    for (const record of records) {
      if ("filter" in step) {
        let keep: unknown = step.filter(record as Record<string, unknown>);
        if (keep instanceof Promise) keep = await keep; // an async step; others cost no await
        if (keep) out.push(record);
      } else {
        let mapped: unknown = step.map(record as Record<string, unknown>);
        if (mapped instanceof Promise) mapped = await mapped;
        if (mapped === undefined) {
          returnedUndefined = true;
          break;
        }
        out.push(mapped);
      }
    }
  } catch (error) {
    throw new DataError(
      `Resource "${resource}": ${label} failed: ${
        error instanceof Error ? error.message : String(error)
      }`,
      { cause: error },
    );
  }
  if (returnedUndefined) {
    throw new DataError(
      `Resource "${resource}": ${label} returned undefined; a map step must return the record`,
    );
  }
  return out;
}
