import { deepStrictEqual, equal, rejects } from "node:assert/strict";
import { readAhead } from "./_read_ahead.ts";

/** A source that logs when each value is asked for, handed out and when it is closed. */
function loggedSource(values: number[], log: string[], failAt?: number) {
  return {
    async *[Symbol.asyncIterator]() {
      try {
        for (let i = 0; i < values.length; i++) {
          log.push(`fetch ${values[i]}`);
          await Promise.resolve();
          if (i === failAt) throw new Error(`page ${values[i]} failed`);
          yield values[i];
        }
      } finally {
        log.push("closed");
      }
    },
  };
}

Deno.test("readAhead yields every value in order and asks for the next one first", async () => {
  const log: string[] = [];
  for await (const value of readAhead(loggedSource([1, 2, 3], log))) log.push(`use ${value}`);
  deepStrictEqual(log, [
    "fetch 1",
    "fetch 2",
    "use 1",
    "fetch 3",
    "use 2",
    "closed",
    "use 3",
  ]);
});

Deno.test("readAhead: a consumer that stops early closes the source after the page in flight", async () => {
  const log: string[] = [];
  await rejects(async () => {
    for await (const value of readAhead(loggedSource([1, 2, 3, 4], log))) {
      log.push(`use ${value}`);
      if (value === 2) throw new Error("normalize failed");
    }
  }, /normalize failed/);
  // Page 3 was already asked for; nothing after it is, and the source is closed.
  deepStrictEqual(log, ["fetch 1", "fetch 2", "use 1", "fetch 3", "use 2", "closed"]);
});

Deno.test("readAhead passes a source's error on, after the values before it", async () => {
  const log: string[] = [];
  const seen: number[] = [];
  await rejects(async () => {
    for await (const value of readAhead(loggedSource([1, 2, 3], log, 1))) seen.push(value);
  }, /page 2 failed/);
  deepStrictEqual(seen, [1]);
  equal(log.at(-1), "closed");
});

Deno.test("readAhead of an empty source yields nothing", async () => {
  const log: string[] = [];
  for await (const _ of readAhead(loggedSource([], log))) throw new Error("nothing to yield");
  deepStrictEqual(log, ["closed"]);
});
