/**
 * Run events: what the HTTP client, the source and the pipeline report while they work, so a
 * front end can show progress (bars on a TTY, periodic log lines, JSON lines for machines).
 * Library code emits through an `EventSink` it is given; it never renders anything itself.
 *
 * @module
 */

/** One thing that happened during a run. URLs are already masked. */
export type DltxEvent =
  | {
    type: "request";
    resource?: string;
    method: string;
    url: string;
    status: number;
    ms: number;
    attempt: number;
    /** Requests to the same origin still in flight when this answer came. */
    inFlight?: number;
    /** Requests the origin is allowed in flight now (halved by rate limits, AIMD). */
    limit?: number;
  }
  | {
    /** A retry wait: rate limit (429, Retry-After), server error or connection failure. */
    type: "rate_limit_wait";
    resource?: string;
    url: string;
    status: number;
    seconds: number;
    attempt: number;
  }
  | {
    /**
     * Every request to `host` (an origin) waits `seconds` from now: its rate limit is reached
     * (`reason`: the status and headers that said so).
     */
    type: "rate_limit_pause";
    host: string;
    seconds: number;
    reason: string;
  }
  | { type: "page"; resource: string; records: number; pages: number; recordsTotal: number }
  | {
    type: "schema_change";
    table: string;
    column?: string;
    dataType?: string;
    /** The resource whose page made the change. */
    resource?: string;
  }
  | {
    /**
     * Keys of one record became the same column or child table, so one value was dropped
     * (once per table and pair of keys). `kind`: `column`, `table` (two lists, child table
     * `name`) or `system_column` (a key became dlt's column `name`, whose own value stays).
     * Keys are JSON pointers into the row of `table` (a list item for a child table).
     */
    type: "name_collision";
    resource: string;
    table: string;
    kind: "column" | "table" | "system_column";
    name: string;
    /** The key whose value was kept (none for `system_column`). */
    kept?: string;
    dropped: string;
  }
  | { type: "stage"; stage: "extract" | "load"; status: "start" | "end"; seconds?: number }
  | { type: "load_done"; loadId: string; seconds: number; rows: Record<string, number> };

/** Receives events; must be cheap and must not throw. */
export type EventSink = (event: DltxEvent) => void;

/** Drops every event (the default). */
export const noEvents: EventSink = () => {};
