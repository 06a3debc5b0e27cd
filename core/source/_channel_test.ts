import { deepStrictEqual, equal, rejects } from "node:assert/strict";
import { PageChannel } from "./_channel.ts";

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

Deno.test("PageChannel holds pushes past its page count until the consumer takes pages", async () => {
  const channel = new PageChannel<number>({ maxItems: 2, maxBytes: 1000 });
  const accepted: number[] = [];
  for (const n of [1, 2, 3, 4]) channel.push(n, 10).then(() => accepted.push(n));
  await settle();
  deepStrictEqual(accepted, [1, 2]);
  const reader = channel[Symbol.asyncIterator]();
  equal((await reader.next()).value, 1);
  await settle();
  deepStrictEqual(accepted, [1, 2, 3]);
  channel.close();
  const rest: number[] = [];
  for (let r = await reader.next(); !r.done; r = await reader.next()) rest.push(r.value);
  deepStrictEqual(rest, [2, 3, 4]);
  deepStrictEqual(accepted, [1, 2, 3, 4]);
});

Deno.test("PageChannel bounds the bytes waiting, but lets one big page through alone", async () => {
  const channel = new PageChannel<string>({ maxItems: 10, maxBytes: 100 });
  const accepted: string[] = [];
  for (const [name, bytes] of [["a", 60], ["b", 60], ["huge", 500]] as const) {
    channel.push(name, bytes).then(() => accepted.push(name));
  }
  await settle();
  deepStrictEqual(accepted, ["a"]);
  const reader = channel[Symbol.asyncIterator]();
  await reader.next();
  await settle();
  deepStrictEqual(accepted, ["a", "b"]);
  await reader.next();
  await settle();
  deepStrictEqual(accepted, ["a", "b", "huge"]);
});

Deno.test("PageChannel fails its consumer and every waiting push", async () => {
  const channel = new PageChannel<number>({ maxItems: 1, maxBytes: 100 });
  await channel.push(1, 1);
  const waiting = channel.push(2, 1);
  channel.fail(new Error("a series failed"));
  await rejects(waiting, /a series failed/);
  await rejects(channel.push(3, 1), /a series failed/);
  await rejects(
    (async () => {
      for await (const _ of channel) { /* nothing: the failure comes first */ }
    })(),
    /a series failed/,
  );
});
