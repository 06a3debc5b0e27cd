import { deepEqual, equal, rejects } from "node:assert/strict";
import { join } from "node:path";
import { fileInput, jsonlSource, streamInput } from "./jsonl_source.ts";
import type { ResourcePage } from "./types.ts";

const encoder = new TextEncoder();

function stdin(text: string) {
  return streamInput(ReadableStream.from([encoder.encode(text)]));
}

async function pagesOf(source: ReturnType<typeof jsonlSource>): Promise<ResourcePage[]> {
  const pages: ResourcePage[] = [];
  for await (const page of source.extract()) pages.push(page);
  return pages;
}

Deno.test("jsonlSource() makes every line a record of resource <table>", async () => {
  const source = jsonlSource({
    name: "load_items",
    table: "items",
    inputs: [stdin('{"id":1}\n{"id":2}\n')],
    writeDisposition: "merge",
    primaryKey: ["id"],
  });
  deepEqual(source.resources, [{
    name: "items",
    tableName: "items",
    writeDisposition: "merge",
    primaryKey: ["id"],
    mergeKey: [],
    selected: true,
  }]);
  const pages = await pagesOf(source);
  deepEqual(pages, [{ resource: "items", records: [{ id: 1 }, { id: 2 }] }]);
  deepEqual(source.stats?.(), { items: { requests: 0, pages: 1, records: 2 } });
});

Deno.test("jsonlSource() reads files one after the other, gzip too", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const plain = join(dir, "a.jsonl");
    await Deno.writeTextFile(plain, '{"id":1}\n');
    const gz = join(dir, "b.jsonl.gz");
    const compressed = ReadableStream.from([encoder.encode('{"id":2}\n{"id":3}\n')])
      .pipeThrough(
        new CompressionStream("gzip") as unknown as TransformStream<Uint8Array, Uint8Array>,
      );
    await Deno.writeFile(gz, compressed);
    const source = jsonlSource({
      name: "s",
      table: "t",
      inputs: [fileInput(plain), fileInput(gz)],
    });
    const records = (await pagesOf(source)).flatMap((p) => p.records);
    deepEqual(records, [{ id: 1 }, { id: 2 }, { id: 3 }]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("jsonlSource() names the file of a malformed line and a missing file", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = join(dir, "bad.jsonl");
    await Deno.writeTextFile(path, '{"id":1}\nnot json\n');
    await rejects(
      pagesOf(jsonlSource({ name: "s", table: "t", inputs: [fileInput(path, "bad.jsonl")] })),
      { name: "DataError", message: /^Line 2 of bad\.jsonl is not valid JSON: / },
    );
    await rejects(
      pagesOf(
        jsonlSource({ name: "s", table: "t", inputs: [fileInput(join(dir, "nope"), "nope")] }),
      ),
      { name: "UserError", message: "Cannot read nope: no such file" },
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("jsonlSource() keeps the committed state as it was", () => {
  const state = { other: { x: 1 } };
  const source = jsonlSource({ name: "s", table: "t", inputs: [], state });
  deepEqual(source.state?.(), state);
  equal(source.state?.() === state, false);
});

Deno.test("jsonlSource() yields nothing when other resources are asked for", async () => {
  const source = jsonlSource({ name: "s", table: "t", inputs: [stdin('{"a":1}\n')] });
  const pages: ResourcePage[] = [];
  for await (const page of source.extract({ resources: ["other"] })) pages.push(page);
  deepEqual(pages, []);
});

Deno.test("jsonlSource() reads a file of many reads whole: lines across reads, multi-byte text, early stop", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = join(dir, "big.jsonl");
    // ~1.4 MB: many reads, lines of every length crossing their edges, "ä" split between reads.
    const records = Array.from({ length: 3000 }, (_, i) => ({
      id: 9007199254740993n + BigInt(i),
      text: "ä".repeat(i % 400),
    }));
    const lines = records.map((r) => `{"id":${r.id},"text":"${r.text}"}`).join("\n") + "\n";
    await Deno.writeTextFile(path, lines);
    const source = jsonlSource({ name: "s", table: "t", inputs: [fileInput(path)] });
    const read = (await pagesOf(source)).flatMap((p) => p.records);
    deepEqual(read, records);
    // Stopping after the first page closes the file (counted in /proc: Linux only).
    if (Deno.build.os !== "linux") return;
    const openFiles = () => [...Deno.readDirSync("/proc/self/fd")].length;
    const before = openFiles();
    const pages = jsonlSource({ name: "s", table: "t", inputs: [fileInput(path)] }).extract();
    for await (const _ of pages) break;
    for (let i = 0; i < 100 && openFiles() > before; i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
    equal(openFiles(), before, "the file is closed");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
