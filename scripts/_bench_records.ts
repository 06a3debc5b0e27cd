/**
 * The bench API's records, kept as encoded bytes: a pool of `TEMPLATE_POOL_SIZE` GitHub-issue-
 * like records generated once (fixed seed), each without `id` and `number`, which are written
 * in per record. Building a page is then byte copies, not `JSON.stringify`.
 *
 * Ids are Snowflake-style 19-digit integers past 2^53 by default (as Twitter's or Discord's),
 * which a plain `JSON.parse` would round; `small` ids (`1_000_000_000 + i`) are what the bench
 * used before, to measure the parsing cost apart from the data.
 *
 * @module
 */

import { prng } from "./_prng.ts";

/** Distinct records generated; record `i` reuses template `i % TEMPLATE_POOL_SIZE`. */
export const TEMPLATE_POOL_SIZE = 10_000;

/** Which ids the records carry: 19-digit Snowflake-style ones, or the old small ones. */
export type IdKind = "snowflake" | "small";

/** `id` of record 0 of `small` ids; record `i` has `id = SMALL_FIRST_ID + i`. */
const SMALL_FIRST_ID = 1_000_000_000;
/** `snowflake` ids are this prefix followed by the 10 digits of `SMALL_FIRST_ID + i`. */
const SNOWFLAKE_PREFIX = "123456789";

/** `id` of record 0 (unique per record: record `i` has `FIRST_ISSUE_ID[kind] + i`). */
export const FIRST_ISSUE_ID: Readonly<Record<IdKind, bigint>> = {
  snowflake: BigInt(SNOWFLAKE_PREFIX + SMALL_FIRST_ID),
  small: BigInt(SMALL_FIRST_ID),
};

/** The `id` of record `i`, exactly. */
export function issueId(i: number, kind: IdKind = "snowflake"): bigint {
  return FIRST_ISSUE_ID[kind] + BigInt(i);
}

/** How records are joined into one buffer. */
export interface Frame {
  open: Uint8Array;
  separator: Uint8Array;
  close: Uint8Array;
}

/** One pooled record: everything after its `number`, encoded once. */
export interface Template {
  /** `,"title":...}`: the record after `number`, encoded. */
  rest: Uint8Array;
  labelCount: number;
}

const encoder = new TextEncoder();
const HEAD = encoder.encode('{"id":');
const PREFIXES: Readonly<Record<IdKind, Uint8Array>> = {
  snowflake: encoder.encode(SNOWFLAKE_PREFIX),
  small: new Uint8Array(0),
};
const MID = encoder.encode(',"number":');
const CHAR_0 = 48;

const VERBS = ["Fix", "Add", "Remove", "Refactor", "Document", "Speed up", "Test"];
const THINGS = ["retry logic", "pagination", "schema cache", "CLI flags", "type inference"];
const AREAS = ["core", "http client", "normalizer", "loader", "docs", "CI"];
const SENTENCES = [
  "Steps to reproduce: run the pipeline twice with the same state.",
  'The error reads "connection reset by peer" after roughly ten minutes.',
  "Expected the second run to be a no-op, but it reloads every row.",
  "This only happens on Windows with long paths (> 260 chars).",
  "I bisected it to the change that introduced streaming job files.",
  "Workaround: set the page size to 100 and retry.\n\nLogs are attached below.",
  "Happy to open a PR if someone can point me at the right module.",
  "Related to the discussion in the last community call.",
];
const LABELS = [
  ["bug", "d73a4a"],
  ["enhancement", "a2eeef"],
  ["documentation", "0075ca"],
  ["good first issue", "7057ff"],
  ["help wanted", "008672"],
  ["question", "d876e3"],
  ["wontfix", "ffffff"],
  ["duplicate", "cfd3d7"],
  ["performance", "fbca04"],
  ["breaking change", "b60205"],
].map(([name, color], i) => ({ id: 5_000_000 + i, name, color }));

const START_MS = Date.UTC(2023, 0, 1);
const HOUR_MS = 3_600_000;

/** GitHub's timestamp format: ISO 8601 in UTC, whole seconds. */
function githubTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");
}

function generateTemplates(): Template[] {
  const rand = prng(42);
  const int = (min: number, max: number) => min + Math.floor(rand() * (max - min + 1));
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)];
  const users = Array.from({ length: 200 }, (_, i) => {
    const bot = i % 25 === 0;
    return {
      login: bot ? `ci-bot-${i}` : `user${i}`,
      id: 100_000 + i,
      type: bot ? "Bot" : "User",
      site_admin: i % 50 === 1,
    };
  });
  const templates: Template[] = [];
  for (let k = 0; k < TEMPLATE_POOL_SIZE; k++) {
    const labels = LABELS.filter(() => rand() < 0.15).slice(0, 4);
    const closed = rand() < 0.6;
    const createdMs = START_MS + k * HOUR_MS + int(0, 3599) * 1000;
    const closedMs = createdMs + int(1, 2000) * 60_000;
    const rest = {
      title: `${pick(VERBS)} ${pick(THINGS)} in ${pick(AREAS)}`,
      user: pick(users),
      labels,
      state: closed ? "closed" : "open",
      locked: rand() < 0.05,
      assignee: rand() < 0.5 ? null : pick(users),
      comments: int(0, 50),
      created_at: githubTime(createdMs),
      updated_at: githubTime(closedMs + int(0, 600) * 60_000),
      closed_at: closed ? githubTime(closedMs) : null,
      body: Array.from({ length: int(3, 6) }, () => pick(SENTENCES)).join(" "),
      reactions: {
        total_count: 0,
        "+1": int(0, 20),
        "-1": int(0, 3),
        laugh: int(0, 5),
        hooray: int(0, 5),
        confused: int(0, 2),
        heart: int(0, 8),
        rocket: int(0, 4),
        eyes: int(0, 4),
      },
      // Always a fractional part, so the column is a double in every loader.
      score: (int(0, 99_999) * 10 + 5) / 10_000,
    };
    const r = rest.reactions;
    r.total_count = r["+1"] + r["-1"] + r.laugh + r.hooray + r.confused + r.heart + r.rocket +
      r.eyes;
    // `{"title":...}` -> `,"title":...}`: the part after `"number":<n>`.
    const json = JSON.stringify(rest);
    templates.push({ rest: encoder.encode("," + json.slice(1)), labelCount: labels.length });
  }
  return templates;
}

let cachedTemplates: Template[] | undefined;

/** The template pool, generated on first use (fixed seed). */
export function templates(): Template[] {
  return cachedTemplates ??= generateTemplates();
}

function digitCount(n: number): number {
  let count = 1;
  while (n >= 10) {
    n = Math.floor(n / 10);
    count++;
  }
  return count;
}

function writeInt(buf: Uint8Array, pos: number, n: number, digits: number): void {
  for (let i = pos + digits - 1; i >= pos; i--) {
    buf[i] = CHAR_0 + (n % 10);
    n = Math.floor(n / 10);
  }
}

/**
 * Encodes records `start..end-1` as `open` + records joined by `separator` + `close`, into one
 * buffer sized exactly up front (pages and JSONL chunks share this).
 */
export function encodeRecords(
  start: number,
  end: number,
  frame: Frame,
  ids: IdKind = "snowflake",
): Uint8Array<ArrayBuffer> {
  const pool = templates();
  const { open, separator, close } = frame;
  // The id's digits past the prefix: exact as a JS number (below 2^53).
  const prefix = PREFIXES[ids];
  let size = open.length + close.length + Math.max(0, end - start - 1) * separator.length;
  for (let i = start; i < end; i++) {
    size += HEAD.length + prefix.length + digitCount(SMALL_FIRST_ID + i) + MID.length +
      digitCount(i + 1) + pool[i % TEMPLATE_POOL_SIZE].rest.length;
  }
  const buf = new Uint8Array(size);
  buf.set(open, 0);
  let pos = open.length;
  for (let i = start; i < end; i++) {
    if (i > start) {
      buf.set(separator, pos);
      pos += separator.length;
    }
    buf.set(HEAD, pos);
    pos += HEAD.length;
    buf.set(prefix, pos);
    pos += prefix.length;
    const id = SMALL_FIRST_ID + i;
    const idDigits = digitCount(id);
    writeInt(buf, pos, id, idDigits);
    pos += idDigits;
    buf.set(MID, pos);
    pos += MID.length;
    const numberDigits = digitCount(i + 1);
    writeInt(buf, pos, i + 1, numberDigits);
    pos += numberDigits;
    const rest = pool[i % TEMPLATE_POOL_SIZE].rest;
    buf.set(rest, pos);
    pos += rest.length;
  }
  buf.set(close, pos);
  return buf;
}

/** Frame of a page body: a JSON array. */
export const PAGE_FRAME: Frame = {
  open: encoder.encode("["),
  separator: encoder.encode(","),
  close: encoder.encode("]"),
};
/** Frame of a JSONL chunk: one record per line. */
export const JSONL_FRAME: Frame = {
  open: new Uint8Array(0),
  separator: encoder.encode("\n"),
  close: encoder.encode("\n"),
};
