/**
 * Per-resource counters built from run events, shared by the bar and the log renderers.
 *
 * @module
 */

import type { DltxEvent } from "../events.ts";

/** A retry wait in progress. */
export interface Wait {
  /** Clock time the wait ends. */
  untilMs: number;
  /** The status that caused it (0: no response). */
  status: number;
  /** The attempt that failed. */
  attempt: number;
}

/** What one resource did so far. */
export interface ResourceProgress {
  readonly name: string;
  pages: number;
  records: number;
  /** Clock time of the resource's first event. */
  readonly startedMs: number;
  /** Clock time of its latest page. */
  lastPageMs: number;
  /** The newest table its pages added to the schema. */
  table?: string;
  /** The retry wait it is in, if any. */
  wait?: Wait;
}

/** Requests in flight, as the latest answer saw them. */
export interface HttpProgress {
  /** Requests in flight to the host of the latest answer. */
  inFlight: number;
  /** Its current limit (halved by rate limits). */
  limit: number;
  /** Answers so far. */
  requests: number;
}

/** A host paused by its rate limit. */
export interface HostPause {
  host: string;
  /** Clock time the pause ends. */
  untilMs: number;
  reason: string;
}

/** Label of waits of requests made for no resource (an OAuth2 token, say). */
export const NO_RESOURCE = "requests";

/** Folds events into counters per resource and the running stage. */
export class ProgressCounters {
  /** Resources in the order they started. */
  readonly resources: Map<string, ResourceProgress> = new Map();
  /** The stage running and since when; `undefined` before the first and after the last. */
  stage?: { name: "extract" | "load"; startedMs: number };
  /** Requests in flight, once an answer told. */
  http?: HttpProgress;
  /** Hosts paused by rate limits, by origin. */
  readonly pauses: Map<string, HostPause> = new Map();
  readonly #now: () => number;
  /** Resource of the latest page: the schema changes that follow come from that page. */
  #current?: ResourceProgress;

  /** @param now the clock, in ms. */
  constructor(now: () => number) {
    this.#now = now;
  }

  /** Applies one event; returns the resource it concerns, if any. */
  apply(event: DltxEvent): ResourceProgress | undefined {
    switch (event.type) {
      case "request": {
        if (event.inFlight !== undefined && event.limit !== undefined) {
          const requests = (this.http?.requests ?? 0) + 1;
          this.http = { inFlight: event.inFlight, limit: event.limit, requests };
        }
        if (event.resource === undefined) return undefined;
        // Reported when the answer came: the resource started when the request went out.
        const resource = this.#resource(event.resource, event.ms);
        resource.wait = undefined;
        return resource;
      }
      case "rate_limit_wait": {
        const resource = this.#resource(event.resource ?? NO_RESOURCE);
        const untilMs = this.#now() + event.seconds * 1000;
        resource.wait = { untilMs, status: event.status, attempt: event.attempt };
        return resource;
      }
      case "page": {
        const resource = this.#resource(event.resource);
        resource.pages = event.pages;
        resource.records = event.recordsTotal;
        resource.lastPageMs = this.#now();
        resource.wait = undefined;
        this.#current = resource;
        return resource;
      }
      case "schema_change": {
        // Pages of several resources interleave: the event names its resource when it can.
        const resource = event.resource === undefined
          ? this.#current
          : this.resources.get(event.resource) ?? this.#current;
        if (resource) resource.table = event.table;
        return resource;
      }
      case "rate_limit_pause":
        this.pauses.set(event.host, {
          host: event.host,
          untilMs: this.#now() + event.seconds * 1000,
          reason: event.reason,
        });
        return undefined;
      case "stage":
        this.stage = event.status === "start"
          ? { name: event.stage, startedMs: this.#now() }
          : undefined;
        return undefined;
      case "load_done":
      case "name_collision":
        return undefined;
      default: {
        const _exhaustive: never = event;
        return undefined;
      }
    }
  }

  /** The resource's counters, created on its first event, which began `agoMs` ago. */
  #resource(name: string, agoMs = 0): ResourceProgress {
    let resource = this.resources.get(name);
    if (resource === undefined) {
      const now = this.#now();
      resource = { name, pages: 0, records: 0, startedMs: now - agoMs, lastPageMs: now };
      this.resources.set(name, resource);
    }
    return resource;
  }
}
