/**
 * Per-host request limits of one run, shared by every request the client sends: at most
 * `concurrency` requests in flight to one origin, in the order they asked (FIFO); a pause of
 * every request to an origin while its rate limit lasts; an AIMD limit that halves on a rate
 * limit and grows back by one per window of successes; and, when declared, requests spaced to
 * a number per second. With a concurrency of 1, a parent list's next page may be in flight
 * beside the one request (sequential, depth first, as dltx always read parents and children).
 *
 * @module
 */

import type { Deps } from "../deps.ts";
import { HttpError } from "../errors.ts";
import type { EventSink } from "../events.ts";
import type { Logger } from "../log.ts";
import { seconds } from "./_backoff.ts";

/** Options of {@linkcode HostLimits}. */
export interface HostLimitsOptions {
  /** The most requests in flight to one origin. */
  concurrency: number;
  /** Declared budget: requests to one origin start at most this many per second. */
  requestsPerSecond?: number;
  /**
   * The retry budget (`runtime.request_max_retry_delay`), in ms: the longest an origin may stay
   * paused by rate limits without an answer that is not one.
   */
  budgetMs: number;
  deps: Deps;
  logger: Logger;
  onEvent: EventSink;
}

/** How an answer went, for the AIMD limit. */
export type SlotOutcome = "ok" | "limited" | "neutral";

/** A place among the requests in flight to one origin; release it when the answer is read. */
export interface HostSlot {
  /** Time this request slept at the gate for pauses and spacing, in ms. */
  readonly waitedMs: number;
  /** Gives the place back; `ok` grows the limit, `limited` halves it. Idempotent. */
  release(outcome: SlotOutcome): void;
}

/** The state of one origin. */
interface Host {
  origin: string;
  /** Allowed requests in flight now (AIMD), from 1 to the run's concurrency. */
  limit: number;
  inFlight: number;
  /** Requests waiting for a place, oldest first. */
  queue: Waiter[];
  /** Clock time (ms) until which no request starts; 0 when not paused. */
  pauseUntil: number;
  pauseReason: string;
  /** Clock time of the first rate limit since the last answer that was not one. */
  stalledSince?: number;
  /** Earliest clock time the next request may start (declared requests per second). */
  nextStart: number;
  /** Bumped on each decrease: answers to requests sent before it do not halve again. */
  epoch: number;
  /** Successes since the limit last changed. */
  credit: number;
  /** A parent list's next page holds the place beside the limit (concurrency 1 only). */
  lookaheadInFlight: boolean;
}

interface Waiter {
  wake?: () => void;
  /** The spacing wait is done (a fake clock never reaches `nextStart`). */
  spaced?: boolean;
}

/**
 * The limits of every origin of one run.
 *
 * @example Usage
 * ```ts
 * import { HostLimits } from "./_host_limits.ts";
 * import { defaultDeps } from "../deps.ts";
 * import { silentLogger } from "../log.ts";
 * const limits = new HostLimits({
 *   concurrency: 2,
 *   budgetMs: 300_000,
 *   deps: defaultDeps,
 *   logger: silentLogger,
 *   onEvent: () => {},
 * });
 * const slot = await limits.acquire("https://api.example.com");
 * slot.release("ok");
 * ```
 */
export class HostLimits {
  readonly #hosts = new Map<string, Host>();
  readonly #max: number;
  readonly #intervalMs: number;
  readonly #options: HostLimitsOptions;

  /** @param options the run's concurrency, declared rate, retry budget and I/O. */
  constructor(options: HostLimitsOptions) {
    this.#options = options;
    this.#max = options.concurrency;
    this.#intervalMs = options.requestsPerSecond ? 1000 / options.requestsPerSecond : 0;
  }

  /**
   * Waits for a place among the requests in flight to `origin`: its turn (FIFO), a free place
   * under the origin's limit, the end of a rate-limit pause, and the declared spacing.
   *
   * With a run concurrency of 1, a parent list's next page (`parentLookahead`) takes the one
   * place beside the limit while it is free, the host never rate limited and not paused: it is
   * fetched while the parent's children run one at a time, so `--concurrency 1` reads as fast
   * as dltx's sequential, depth-first extraction always did (at most 2 requests in flight, one
   * of them a parent's next page). Once the host rate limits, 1 means 1.
   *
   * @throws {HttpError} when the origin's rate limit would keep it paused longer than the
   *   retry budget without an answer in between.
   * @throws the signal's reason when aborted.
   */
  async acquire(
    origin: string,
    signal?: AbortSignal,
    options: { parentLookahead?: boolean } = {},
  ): Promise<HostSlot> {
    const host = this.#host(origin);
    signal?.throwIfAborted();
    if (options.parentLookahead && this.#lookaheadFree(host)) {
      host.lookaheadInFlight = true;
      return this.#lookaheadSlot(host);
    }
    const waiter: Waiter = {};
    host.queue.push(waiter);
    let waitedMs = 0;
    try {
      for (;;) {
        signal?.throwIfAborted();
        if (host.queue[0] === waiter && host.inFlight < host.limit) {
          const now = this.#now();
          if (host.pauseUntil > now) {
            this.#checkStall(host, now);
            const target = host.pauseUntil;
            await this.#options.deps.sleep(target - now, signal);
            waitedMs += target - now;
            // A pause slept through is over unless it was extended meanwhile (a fake clock
            // would never reach it).
            if (host.pauseUntil === target) host.pauseUntil = 0;
            continue;
          }
          if (this.#intervalMs > 0 && !waiter.spaced && host.nextStart > now) {
            await this.#options.deps.sleep(host.nextStart - now, signal);
            waitedMs += host.nextStart - now;
            waiter.spaced = true;
            continue;
          }
          host.queue.shift();
          host.inFlight++;
          if (this.#intervalMs > 0) {
            host.nextStart = Math.max(now, host.nextStart) + this.#intervalMs;
          }
          return this.#slot(host, waitedMs);
        }
        await new Promise<void>((resolve, reject) => {
          const onAbort = () => reject(signal?.reason);
          signal?.addEventListener("abort", onAbort, { once: true });
          waiter.wake = () => {
            signal?.removeEventListener("abort", onAbort);
            resolve();
          };
        });
        waiter.wake = undefined;
      }
    } finally {
      const at = host.queue.indexOf(waiter);
      if (at >= 0) host.queue.splice(at, 1);
      // The next request may go too (the limit may allow more than one).
      host.queue[0]?.wake?.();
    }
  }

  /**
   * Pauses every request to `origin` for `ms` (a rate limit); a longer pause already under way
   * stays. Says so once when the pause starts.
   *
   * @param origin the rate-limited origin.
   * @param ms how long, from now.
   * @param reason what the API said, for the message.
   */
  pause(origin: string, ms: number, reason: string): void {
    const host = this.#host(origin);
    const now = this.#now();
    host.stalledSince ??= now;
    const until = now + ms;
    if (ms <= 0 || until <= host.pauseUntil) return;
    const starting = host.pauseUntil <= now;
    host.pauseUntil = until;
    host.pauseReason = reason;
    const { logger, onEvent } = this.#options;
    const text = `${origin} is rate limited (${reason}): pausing every request to it for ${
      seconds(ms)
    }`;
    if (starting) logger.warn(text);
    else logger.debug(text);
    onEvent({ type: "rate_limit_pause", host: origin, seconds: ms / 1000, reason });
  }

  /** Requests in flight to `origin` and its current limit. */
  state(origin: string): { inFlight: number; limit: number } {
    const host = this.#hosts.get(origin);
    const inFlight = (host?.inFlight ?? 0) + (host?.lookaheadInFlight ? 1 : 0);
    return { inFlight, limit: host?.limit ?? this.#max };
  }

  /** The place beside the limit: concurrency 1, none in flight, no rate limit seen, no pause. */
  #lookaheadFree(host: Host): boolean {
    return this.#max === 1 && this.#intervalMs === 0 && !host.lookaheadInFlight &&
      host.epoch === 0 && host.stalledSince === undefined && host.pauseUntil <= this.#now();
  }

  /** The place beside the limit; a rate-limited answer to it closes it for the run. */
  #lookaheadSlot(host: Host): HostSlot {
    let released = false;
    return {
      waitedMs: 0,
      release: (outcome) => {
        if (released) return;
        released = true;
        host.lookaheadInFlight = false;
        if (outcome === "limited") host.epoch++;
        host.queue[0]?.wake?.();
      },
    };
  }

  #slot(host: Host, waitedMs: number): HostSlot {
    const epoch = host.epoch;
    let released = false;
    return {
      waitedMs,
      release: (outcome) => {
        if (released) return;
        released = true;
        host.inFlight--;
        if (outcome === "ok") {
          host.stalledSince = undefined;
          // Additive increase: one more place per window of `limit` successes.
          if (host.limit < this.#max && ++host.credit >= host.limit) {
            host.limit++;
            host.credit = 0;
          }
        } else if (outcome === "limited" && epoch === host.epoch) {
          // Multiplicative decrease, once per window: the answers to requests sent before the
          // decrease describe the old limit.
          host.limit = Math.max(1, Math.floor(host.limit / 2));
          host.epoch++;
          host.credit = 0;
          // Said at info when no pause says the host is rate limited (a 429 asking no wait).
          const paused = host.pauseUntil > this.#now();
          this.#options.logger[paused ? "debug" : "info"](
            `${host.origin} is rate limited: allowing ${host.limit} request(s) in flight to it`,
          );
        }
        host.queue[0]?.wake?.();
      },
    };
  }

  /** Fails when the pause would exceed the retry budget without an answer in between. */
  #checkStall(host: Host, now: number): void {
    const stalledMs = host.pauseUntil - (host.stalledSince ?? now);
    const { budgetMs } = this.#options;
    if (stalledMs <= budgetMs) return;
    const wholeSeconds = Math.ceil(stalledMs / 1000);
    throw new HttpError(
      `${host.origin} is rate limited (${host.pauseReason}) for ${wholeSeconds}s, longer than ` +
        `the retry budget of ${seconds(budgetMs)} (runtime.request_max_retry_delay); set ` +
        `RUNTIME__REQUEST_MAX_RETRY_DELAY to at least ${wholeSeconds} to wait for it`,
      429,
      host.origin,
    );
  }

  #host(origin: string): Host {
    let host = this.#hosts.get(origin);
    if (host === undefined) {
      host = {
        origin,
        limit: this.#max,
        inFlight: 0,
        queue: [],
        pauseUntil: 0,
        pauseReason: "",
        nextStart: 0,
        epoch: 0,
        credit: 0,
        lookaheadInFlight: false,
      };
      this.#hosts.set(origin, host);
    }
    return host;
  }

  #now(): number {
    return this.#options.deps.now().getTime();
  }
}
