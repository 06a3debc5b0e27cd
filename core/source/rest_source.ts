/**
 * The REST resource engine: a connector becomes a `Source` whose `extract()` streams pages of
 * records. Its request series (a resource's endpoint, a child's endpoint per parent record)
 * run concurrently under one limit (`concurrency`, see `_scheduler.ts`), their requests go
 * through the client's per-host limits, and their pages meet in one bounded queue that the
 * consumer reads (`_channel.ts`): pages of one series in order, series interleaved.
 * Incremental resources filter each page to their cursor range; the new cursors make up the
 * source's state, which the pipeline commits with the load.
 *
 * @module
 */

import type { ConfigResolver, Masker } from "../config/mod.ts";
import type { Deps } from "../deps.ts";
import { ConfigError, DataError } from "../errors.ts";
import { type EventSink, noEvents } from "../events.ts";
import { DEFAULT_CONCURRENCY, HttpClient, type HttpRequest } from "../http/mod.ts";
import { type Logger, silentLogger } from "../log.ts";
import { didYouMean } from "./_check.ts";
import { expandForEach } from "./for_each.ts";
import { Incremental } from "./incremental.ts";
import { type IncludedField, planResources, type ResourcePlan } from "./_plan.ts";
import {
  buildRequest,
  type LookaheadTokens,
  type ProcessedPage,
  type ResourceStats,
  runSeries,
  type SeriesContext,
  statsOf,
} from "./_series.ts";
import { PageChannel } from "./_channel.ts";
import { Scheduler } from "./_scheduler.ts";
import { setCursorState } from "./_source_state.ts";
import { declaredHosts } from "./_declared_hosts.ts";
import { StepRunner } from "./_steps.ts";
import type {
  Connector,
  ExtractOptions,
  ResourcePage,
  Source,
  SourceContext,
  SourceResourceStats,
} from "./types.ts";
import { bindsAsBuilt, boundOptions, unboundSource } from "./_bind.ts";
import { validateConnector } from "./validate.ts";

/** Options of {@linkcode restApiSource}. */
export interface RestApiSourceOptions {
  /**
   * Values of the connector's config fields; `{field}` placeholders use them. Without them the
   * source is completed by the pipeline that runs it (`Pipeline.run()` resolves the fields
   * from its config providers), or by the first `extract()`, from `configProviders`.
   */
  config?: Record<string, unknown>;
  /**
   * The config providers the first `extract()` of a source no pipeline completed resolves its
   * fields from. Library code reads no process state: the package's `restApiSource()` (in
   * `mod.ts`) reads env vars and the `.dlt/` TOML files of the working directory.
   * @default none: only the fields' defaults
   */
  configProviders?: () => Promise<ConfigResolver>;
  /** Network, clock and sleep. @default defaultDeps */
  deps?: Deps;
  /** Where the source reports what it does. @default silentLogger */
  logger?: Logger;
  /** Learns every secret (secret config fields, auth credentials) and masks messages. */
  masker?: Masker;
  /** Time allowed per request attempt, in ms. @default 60000 */
  timeoutMs?: number;
  /** Attempts per request. @default 5 */
  maxAttempts?: number;
  /**
   * The retry budget of one request: all its waits between attempts together, in ms (dlt's
   * `request_max_retry_delay`). @default 300000
   */
  maxRetryDelayMs?: number;
  /**
   * The source's state from the last committed load (the pipeline's `sources.<source name>`):
   * incremental cursors under `resources.<resource>.incremental.<cursor_path>`. Not changed;
   * `source.state()` returns an updated copy.
   */
  state?: Record<string, unknown>;
  /** Receives a `page` event per page and the HTTP client's `request`/`rate_limit_wait` events. @default noEvents */
  onEvent?: EventSink;
  /**
   * The most requests in flight to one host, and request series running at once; 1 makes the
   * extraction sequential (depth first, one request at a time, with a parent list's next page
   * fetched while its children run, as dltx always did).
   * @default the connector's client.concurrency, else 8
   */
  concurrency?: number;
}

/** Bytes of response text that may wait for the consumer (besides one page at least). */
const QUEUED_BYTES = 8 * 1024 * 1024;

/**
 * Builds a source from a connector: validates it, fills config placeholders, and prepares
 * each resource's requests. Nothing is fetched until `extract()` is iterated. Every
 * `extract()` starts from `options.state`; `state()` and `stats()` describe the latest one.
 *
 * Without `options.config`, `Pipeline.run()` completes the source as dlt does: it resolves
 * the config fields from the pipeline's providers, starts the incremental cursors from the
 * pipeline's committed state and masks the secrets (`source.bind()`). Until then `resources`
 * lists the connector's resources as written (a `for_each` resource once, unexpanded).
 *
 * @example Usage
 * ```ts
 * import { restApiSource } from "./rest_source.ts";
 * const source = restApiSource({
 *   name: "demo",
 *   config: { token: { secret: true } },
 *   client: { base_url: "https://api.example.com/", auth: { token: "{token}" } },
 *   resources: ["users", { name: "posts", endpoint: "users/{resources.users.id}/posts" }],
 * }, { config: { token: "t0ken" } });
 * source.resources.map((r) => r.name); // ["users", "posts"]
 * // for await (const page of source.extract()) { ... }
 * ```
 * @param connector the connector (validated again here, so plain objects are safe).
 * @param options config values, state, I/O, logging, masking and HTTP limits; each one given
 *   wins over what a pipeline would give the source.
 * @returns the source.
 * @throws {ConfigError} for an invalid connector, an unknown placeholder or parent, an
 *   incremental range that does not hold together, or a `for_each` list that is not one.
 * @throws {DataError} when the stored state of a cursor is malformed.
 */
export function restApiSource(connector: Connector, options: RestApiSourceOptions = {}): Source {
  const validated = validateConnector(connector, "restApiSource");
  const bind = (context: SourceContext): Source =>
    buildSource(validated, boundOptions(validated, options, context));
  if (options.config === undefined) return unboundSource(validated, { ...options, bind });
  const built = buildSource(validated, { ...options, config: options.config });
  // Rebuilt for a pipeline only when its context changes something (state, masker, ...).
  return { ...built, bind: (context) => bindsAsBuilt(options, context) ? built : bind(context) };
}

function buildSource(
  validated: Connector,
  options: RestApiSourceOptions & { config: Record<string, unknown> },
): Source {
  const logger = options.logger ?? silentLogger;
  const { masker } = options;
  const onEvent = options.onEvent ?? noEvents;
  const config = configValues(validated, options.config, masker);
  // Resources repeated per config item (`for_each`) become concrete ones first.
  const checked = expandForEach(validated, config);
  const concurrency = options.concurrency ?? checked.client.concurrency ?? DEFAULT_CONCURRENCY;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new ConfigError(`The concurrency must be a positive integer, got ${concurrency}`);
  }
  const client = new HttpClient({
    concurrency,
    requestsPerSecond: checked.client.rate_limit?.requests_per_second,
    deps: options.deps,
    timeoutMs: options.timeoutMs,
    maxAttempts: options.maxAttempts,
    maxRetryDelayMs: options.maxRetryDelayMs,
    logger,
    masker,
    onEvent,
  });
  // A deep copy: the caller's state stays what was committed, whatever extraction does.
  const committed: Record<string, unknown> = structuredClone(options.state ?? {});
  const plans = planResources(checked, {
    config,
    logger,
    client,
    deps: options.deps,
    addSecret: (secret) => masker?.add(secret),
    state: committed,
  });
  const mask = masker ? (text: string) => masker.mask(text) : (text: string) => text;
  // A sandboxed plugin's hooks may reach these hosts (computed now: a bad entry fails early).
  const net = declaredHosts(checked, config);
  const steps = { connector: checked.name, net, timeoutMs: options.timeoutMs };
  let run: ExtractRun = { cursors: new Map(), stats: new Map(), skipped: new Set() };
  return {
    name: checked.name,
    resources: plans.map((p) => p.info),
    extract: (extractOptions) => {
      // A loaded resource left out of this run (`--resources child`) is only fetched to feed
      // its children: its rows are not loaded, so its cursor must not move past them.
      const only = extractOptions?.resources?.length ? extractOptions.resources : undefined;
      const skipped = new Set(
        plans.filter((p) => p.info.selected && only && !only.includes(p.info.name))
          .map((p) => p.info.name),
      );
      run = { cursors: new Map(), stats: new Map(), skipped };
      const { cursors, stats } = run;
      return extract(plans, extractOptions, {
        client,
        logger,
        mask,
        onEvent,
        cursors,
        stats,
        steps,
        concurrency,
      });
    },
    state: () => sourceState(committed, run),
    stats: () => {
      const out: Record<string, SourceResourceStats> = {};
      for (const [name, stats] of run.stats) out[name] = traceStats(stats);
      return out;
    },
  };
}

/** The cursors and counters of the latest extraction. */
interface ExtractRun {
  cursors: Map<string, Incremental>;
  stats: Map<string, ResourceStats>;
  /** Resources whose cursor stays as committed (selected, but not loaded by this run). */
  skipped: Set<string>;
}

/** A resource's counters as the trace shows them. */
function traceStats(stats: ResourceStats): SourceResourceStats {
  const { requests, pages, records, retries, waitMs, firstMs, lastMs } = stats;
  const round = (ms: number) => Math.round(ms) / 1000;
  return {
    requests,
    pages,
    records,
    retries,
    wait_seconds: round(waitMs),
    seconds: firstMs !== undefined && lastMs !== undefined ? round(lastMs - firstMs) : 0,
  };
}

/** The committed state with the cursors of the resources that ran; backfills leave theirs. */
function sourceState(
  committed: Record<string, unknown>,
  { cursors, skipped }: ExtractRun,
): Record<string, unknown> {
  const state = structuredClone(committed);
  for (const [resource, cursor] of cursors) {
    if (skipped.has(resource)) continue;
    const value = cursor.used ? cursor.state() : undefined;
    if (value !== undefined) setCursorState(state, resource, cursor.cursorPath, value);
  }
  return state;
}

/** Config values with field defaults filled in; secret ones go to the masker. */
function configValues(
  connector: Connector,
  given: Record<string, unknown>,
  masker: Masker | undefined,
): Record<string, unknown> {
  const values: Record<string, unknown> = { ...given };
  for (const [name, field] of Object.entries(connector.config ?? {})) {
    values[name] ??= field.default;
    const value = values[name];
    if (field.secret && masker && value !== undefined && value !== null) {
      masker.add(typeof value === "string" ? value : String(value));
    }
  }
  return values;
}

interface ExtractContext extends SeriesContext {
  /** Runs processing steps (a plugin's in its sandbox); closed when the extraction ends. */
  runner: StepRunner;
  /** Resources whose pages are yielded. */
  wanted: Set<string>;
  /** Resources that run: the wanted ones and the parents they need. */
  needed: Set<string>;
  /** The incremental cursor of each resource that has one. */
  cursors: Map<string, Incremental>;
  /** Runs the request series. */
  scheduler: Scheduler;
  /** Where series put the pages to yield. */
  channel: PageChannel<ResourcePage>;
}

async function* extract(
  plans: ResourcePlan[],
  options: ExtractOptions = {},
  shared: Pick<ExtractContext, "client" | "logger" | "mask" | "onEvent" | "cursors" | "stats"> & {
    steps: { connector: string; net: string[]; timeoutMs?: number };
    concurrency: number;
  },
): AsyncGenerator<ResourcePage> {
  const wanted = wantedResources(plans, options.resources);
  const byName = new Map(plans.map((p) => [p.name, p]));
  const needed = new Set<string>();
  for (const name of wanted) {
    for (let n: string | undefined = name; n !== undefined && !needed.has(n);) {
      needed.add(n);
      n = byName.get(n)?.parent;
    }
  }
  // One controller for the whole run: stopping early (or failing) cancels every request.
  const controller = new AbortController();
  const outer = options.signal;
  const onAbort = () => controller.abort(outer?.reason);
  if (outer?.aborted) onAbort();
  outer?.addEventListener("abort", onAbort, { once: true });
  const { steps, concurrency, ...rest } = shared;
  const runner = new StepRunner({
    ...steps,
    signal: controller.signal,
    logger: shared.logger,
    mask: shared.mask,
  });
  const scheduler = new Scheduler(concurrency);
  const channel = new PageChannel<ResourcePage>({
    maxItems: Math.max(2, concurrency),
    maxBytes: QUEUED_BYTES,
  });
  const ctx: ExtractContext = {
    ...rest,
    runner,
    signal: controller.signal,
    detected: new Map(),
    wanted,
    needed,
    scheduler,
    channel,
    // A series may fetch as many pages ahead as requests may be in flight, and all series
    // together no more than that: pages fetched ahead wait in memory for their turn.
    lookahead: concurrency,
    tokens: lookaheadTokens(concurrency),
  };
  for (const plan of plans) {
    if (!needed.has(plan.name)) continue;
    statsOf(ctx, plan.name);
    const inc = plan.incremental;
    if (inc) {
      ctx.cursors.set(
        plan.name,
        new Incremental(plan.name, inc.settings, { primaryKey: inc.primaryKey, state: inc.stored }),
      );
    }
  }
  try {
    for (const plan of plans) {
      if (plan.parent !== undefined || !needed.has(plan.name)) continue;
      submitSeries(plan, buildRequest(plan), undefined, 0, ctx);
    }
    scheduler.done().then(
      () => channel.close(),
      (error) => {
        // The first failure fails the run: every other request is cancelled at once.
        channel.fail(error);
        controller.abort(error);
      },
    );
    yield* channel;
  } finally {
    const stopped = new DOMException("The extraction stopped", "AbortError");
    scheduler.fail(stopped);
    channel.fail(stopped);
    outer?.removeEventListener("abort", onAbort);
    controller.abort(stopped);
    runner.close();
  }
}

/** Places for pages fetched ahead, `count` for the whole extraction. */
function lookaheadTokens(count: number): LookaheadTokens {
  let free = count;
  return {
    take: () => free > 0 ? (free--, true) : false,
    give: () => void free++,
  };
}

/** The resources to yield: the requested ones, else every selected one. */
function wantedResources(plans: ResourcePlan[], requested: string[] | undefined): Set<string> {
  if (requested === undefined || requested.length === 0) {
    return new Set(plans.filter((p) => p.info.selected).map((p) => p.name));
  }
  const names = plans.map((p) => p.name);
  for (const name of requested) {
    if (!names.includes(name)) {
      throw new ConfigError(
        `Unknown resource "${name}"${didYouMean(name, names)}; available resources: ${
          names.join(", ")
        }`,
      );
    }
  }
  return new Set(requested);
}

/** A child request series prepared from one parent record. */
interface ChildJob {
  plan: ResourcePlan;
  request: HttpRequest;
  included?: [string, unknown][];
}

/** Queues one request series of `plan`: a root resource's, or a child's for one parent record. */
function submitSeries(
  plan: ResourcePlan,
  request: HttpRequest,
  included: [string, unknown][] | undefined,
  depth: number,
  ctx: ExtractContext,
): void {
  ctx.scheduler.submit({
    resource: plan.name,
    depth,
    sequential: plan.sequential,
    run: (relieve) => runResource(plan, request, included, { depth, ctx, relieve }),
  });
}

async function runResource(
  plan: ResourcePlan,
  request: HttpRequest,
  included: [string, unknown][] | undefined,
  { depth, ctx, relieve }: { depth: number; ctx: ExtractContext; relieve: () => Promise<void> },
): Promise<void> {
  const emit = ctx.wanted.has(plan.name);
  const children = plan.children.filter((c) => ctx.needed.has(c.name));
  const cursor = ctx.cursors.get(plan.name);
  const stats = statsOf(ctx, plan.name);
  const process = async (selected: unknown[]): Promise<ProcessedPage> => {
    const records = await processRecords(plan, selected, included, ctx.runner);
    const page = cursor ? cursor.filter(records) : { records, stop: false };
    stats.records += page.records.length;
    return page;
  };
  // Only sorted incremental records can end a series early (`row_order`); such a series reads
  // page after page.
  const mayStop = plan.incremental?.settings.row_order !== undefined;
  const series = runSeries(plan, request, ctx, process, {
    mayStop,
    lookahead: !plan.sequential,
    parent: children.length > 0,
  });
  for await (const { records, bytes } of series) {
    // Child requests are prepared before the page leaves, so whatever the consumer does to
    // the records cannot change what the children ask for.
    const jobs = children.length > 0 ? prepareChildren(children, records) : [];
    for (const job of jobs) submitSeries(job.plan, job.request, job.included, depth + 1, ctx);
    if (emit && records.length > 0) {
      await ctx.channel.push({ resource: plan.name, records }, bytes);
    }
    // Children first: this series steps aside while many of them wait to start.
    if (jobs.length > 0) await relieve();
  }
}

function prepareChildren(children: ResourcePlan[], records: unknown[]): ChildJob[] {
  const jobs: ChildJob[] = [];
  for (const child of children) {
    for (const record of records) {
      const job: ChildJob = { plan: child, request: buildRequest(child, record) };
      if (child.include.length > 0) job.included = includedValues(child, record);
      jobs.push(job);
    }
  }
  return jobs;
}

function includedValues(child: ResourcePlan, record: unknown): [string, unknown][] {
  return child.include.map((field: IncludedField) => {
    const value = field.get(record);
    if (value === undefined) {
      const keys = record !== null && typeof record === "object" ? Object.keys(record) : [];
      throw new DataError(
        `Resource "${child.name}": include_from_parent field "${field.field}" is missing in a ` +
          `record of "${child.parent}"; the record has: ${keys.join(", ") || "no fields"}`,
      );
    }
    return [field.key, value];
  });
}

/**
 * Adds parent fields, then runs the processing steps in order (dlt's order); the incremental
 * filter comes after them, as dlt keeps it at the end of a resource's steps.
 */
async function processRecords(
  plan: ResourcePlan,
  records: unknown[],
  included: [string, unknown][] | undefined,
  runner: StepRunner,
): Promise<unknown[]> {
  if (included) {
    for (const record of records) {
      if (record === null || typeof record !== "object") continue;
      for (const [key, value] of included) (record as Record<string, unknown>)[key] = value;
    }
  }
  return plan.steps.length === 0 ? records : await runner.run(plan.name, plan.steps, records);
}
