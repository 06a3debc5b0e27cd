import { deepEqual, equal, match, rejects } from "node:assert/strict";
import { memoryLogger } from "../log.ts";
import { streamInput } from "./jsonl_source.ts";
import { singerSource } from "./singer.ts";
import type { ResourcePage, Source } from "./types.ts";

function input(...messages: unknown[]) {
  const text = messages.map((m) => (typeof m === "string" ? m : JSON.stringify(m)) + "\n").join("");
  return streamInput(ReadableStream.from([new TextEncoder().encode(text)]));
}

async function pagesOf(source: Source): Promise<ResourcePage[]> {
  const pages: ResourcePage[] = [];
  for await (const page of source.extract()) pages.push(page);
  return pages;
}

const USERS_SCHEMA = {
  type: "SCHEMA",
  stream: "users",
  schema: {
    type: "object",
    properties: {
      id: { type: "integer" },
      name: { type: ["null", "string"] },
      born: { type: ["string", "null"], format: "date" },
      seen_at: { anyOf: [{ type: "string", format: "date-time" }, { type: "null" }] },
      score: { type: "number" },
      admin: { type: "boolean" },
      tags: { type: "array", items: { type: "string" } },
      address: { type: "object", properties: { city: { type: "string" } } },
      mixed: { type: ["integer", "string"] },
    },
  },
  key_properties: ["id"],
};

Deno.test("singerSource() turns streams into resources with hints from the JSON Schema", async () => {
  const source = singerSource({
    name: "load_singer",
    inputs: [input(
      USERS_SCHEMA,
      { type: "RECORD", stream: "users", record: { id: 1, name: "a" } },
      { type: "RECORD", stream: "users", record: { id: 2, name: "b" } },
    )],
  });
  equal(source.resources.length, 0);
  const pages = await pagesOf(source);
  equal(pages.length, 1);
  deepEqual(pages[0].records, [{ id: 1, name: "a" }, { id: 2, name: "b" }]);
  const info = pages[0].info!;
  deepEqual(source.resources, [info]);
  equal(info.name, "users");
  equal(info.tableName, "users");
  equal(info.writeDisposition, "append");
  deepEqual(info.primaryKey, ["id"]);
  deepEqual(info.columns, {
    id: { data_type: "bigint" },
    name: { data_type: "text" },
    born: { data_type: "date" },
    seen_at: { data_type: "timestamp" },
    score: { data_type: "double" },
    admin: { data_type: "bool" },
  });
  deepEqual(source.stats?.(), { users: { requests: 0, pages: 1, records: 2 } });
});

Deno.test("singerSource() splits pages by stream and by SCHEMA change", async () => {
  const source = singerSource({
    name: "s",
    writeDisposition: "merge",
    primaryKey: ["key"],
    inputs: [input(
      { type: "SCHEMA", stream: "a", schema: { properties: {} }, key_properties: ["id"] },
      { type: "SCHEMA", stream: "b", schema: { properties: {} } },
      { type: "RECORD", stream: "a", record: { id: 1 } },
      { type: "RECORD", stream: "b", record: { id: 2 } },
      { type: "RECORD", stream: "a", record: { id: 3 } },
      // Repeated unchanged: same resource info.
      { type: "SCHEMA", stream: "a", schema: { properties: {} }, key_properties: ["id"] },
      { type: "RECORD", stream: "a", record: { id: 4 } },
      { type: "SCHEMA", stream: "a", schema: { properties: { id: { type: "string" } } } },
      { type: "RECORD", stream: "a", record: { id: "5" } },
    )],
  });
  const pages = await pagesOf(source);
  deepEqual(pages.map((p) => [p.resource, p.records.length]), [
    ["a", 1],
    ["b", 1],
    ["a", 2],
    ["a", 1],
  ]);
  equal(pages[2].info, pages[0].info);
  deepEqual(pages[3].info?.columns, { id: { data_type: "text" } });
  // --primary-key wins over key_properties; the write disposition applies to every stream.
  deepEqual(pages[0].info?.primaryKey, ["key"]);
  equal(pages[1].info?.writeDisposition, "merge");
  deepEqual(source.resources.map((r) => r.name), ["a", "b"]);
  equal(source.resources[0], pages[3].info);
});

Deno.test("singerSource() keeps the last STATE message in its state", async () => {
  const source = singerSource({
    name: "s",
    state: { singer_state: { old: true }, other: 1 },
    inputs: [input(
      { type: "STATE", value: { bookmarks: { a: 1 } } },
      { type: "STATE", value: { bookmarks: { a: 2 } } },
    )],
  });
  deepEqual(source.state?.(), { singer_state: { old: true }, other: 1 });
  await pagesOf(source);
  deepEqual(source.state?.(), { singer_state: { bookmarks: { a: 2 } }, other: 1 });
});

Deno.test("singerSource() skips unknown message types with one warning per type", async () => {
  const logger = memoryLogger();
  const source = singerSource({
    name: "s",
    logger,
    inputs: [input(
      { type: "ACTIVATE_VERSION", stream: "a", version: 1 },
      { type: "ACTIVATE_VERSION", stream: "a", version: 2 },
      { type: "BATCH", stream: "a" },
    )],
  });
  deepEqual(await pagesOf(source), []);
  equal(logger.lines.length, 2);
  match(logger.lines[0], /^warn: Line 1 of stdin is a Singer message of type "ACTIVATE_VERSION"/);
  match(logger.lines[1], /^warn: Line 3 of stdin is a Singer message of type "BATCH"/);
});

Deno.test("singerSource() names the line of a RECORD before its SCHEMA", async () => {
  const source = singerSource({
    name: "s",
    inputs: [input(
      { type: "SCHEMA", stream: "a", schema: {} },
      { type: "RECORD", stream: "a", record: {} },
      { type: "RECORD", stream: "b", record: {} },
    )],
  });
  await rejects(pagesOf(source), {
    name: "DataError",
    message: 'Line 3 of stdin is a RECORD of stream "b" before any SCHEMA message of it',
  });
});

Deno.test("singerSource() rejects malformed messages, naming the line", async () => {
  const cases: [unknown, RegExp][] = [
    ["[1]", /^Line 1 of stdin is not a Singer message: expected a JSON object$/],
    ["{oops", /^Line 1 of stdin is not valid JSON: /],
    [{ type: "RECORD", record: {} }, /^Line 1 of stdin is a RECORD message without a "stream"/],
    [{ type: "SCHEMA", stream: "a" }, /^Line 1 of stdin is a SCHEMA message of stream "a" without/],
    [
      { type: "SCHEMA", stream: "a", schema: {}, key_properties: "id" },
      /^Line 1 of stdin: "key_properties" of stream "a" must be a list/,
    ],
  ];
  for (const [message, expected] of cases) {
    await rejects(pagesOf(singerSource({ name: "s", inputs: [input(message)] })), {
      name: "DataError",
      message: expected,
    });
  }
  const noRecord = singerSource({
    name: "s",
    inputs: [input({ type: "SCHEMA", stream: "a", schema: {} }, { type: "RECORD", stream: "a" })],
  });
  await rejects(pagesOf(noRecord), {
    message: 'Line 2 of stdin is a RECORD without a "record" object',
  });
});
