import { deepStrictEqual, equal, ok, throws } from "node:assert/strict";
import { InternalError } from "../errors.ts";
import { LoadPackage } from "./load_package.ts";
import { JobWriter } from "./job_writer.ts";

async function withPackage(fn: (pkg: LoadPackage) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "dltx_writer_" });
  try {
    await fn(await LoadPackage.create(dir, "1.000001"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function readRows(path: string): Promise<unknown[]> {
  const text = await Deno.readTextFile(path);
  ok(text.endsWith("\n"), "job files end with a newline");
  return text.slice(0, -1).split("\n").map((l) => JSON.parse(l));
}

Deno.test("JobWriter writes one jsonl job file per table", async () => {
  await withPackage(async (pkg) => {
    const writer = pkg.jobWriter();
    writer.write("orders", { id: 1, name: "ä" });
    writer.write("orders__items", { sku: "x", _dlt_list_idx: 0 });
    writer.write("orders", { id: 2, nested: { a: [1, 2] } });
    ok(writer.bufferedBytes > 0);
    await writer.flush();
    equal(writer.bufferedBytes, 0);
    writer.write("orders", { id: 3 });
    const files = await writer.close();
    deepStrictEqual(files.map((f) => [f.table, f.rows]), [["orders", 3], ["orders__items", 1]]);
    deepStrictEqual(await readRows(files[0].path), [
      { id: 1, name: "ä" },
      { id: 2, nested: { a: [1, 2] } },
      { id: 3 },
    ]);
    equal(files[0].bytes, (await Deno.stat(files[0].path)).size);
    deepStrictEqual(writer.rowCounts(), { orders: 3, orders__items: 1 });
    const jobs = await pkg.jobs("new_jobs");
    deepStrictEqual(jobs.map((j) => [j.table, j.fileId, j.retry]), [
      ["orders", files[0].fileId, 0],
      ["orders__items", files[1].fileId, 0],
    ]);
  });
});

Deno.test("JobWriter rotates files by size at row boundaries", async () => {
  await withPackage(async (pkg) => {
    const writer = pkg.jobWriter({ maxFileBytes: 100 });
    // Each row is {"i":NN,"pad":"xxxxxxxxxx"} + newline = 31 bytes: 3 rows fit in 100 bytes.
    for (let i = 10; i < 20; i++) writer.write("t", { i, pad: "x".repeat(10) });
    await writer.flush();
    for (let i = 20; i < 30; i++) {
      writer.write("t", { i, pad: "x".repeat(10) });
      await writer.flush();
    }
    const files = await writer.close();
    deepStrictEqual(files.map((f) => f.rows), [3, 3, 3, 3, 3, 3, 2]);
    equal(new Set(files.map((f) => f.fileId)).size, files.length);
    const all = [];
    for (const f of files) {
      ok(f.bytes <= 100);
      equal(f.bytes, (await Deno.stat(f.path)).size);
      all.push(...await readRows(f.path));
    }
    deepStrictEqual(
      all.map((r) => (r as { i: number }).i),
      Array.from({ length: 20 }, (_, i) => i + 10),
    );
    deepStrictEqual(writer.rowCounts(), { t: 20 });
  });
});

Deno.test("JobWriter gives a row larger than maxFileBytes a file of its own", async () => {
  await withPackage(async (pkg) => {
    const writer = pkg.jobWriter({ maxFileBytes: 50 });
    writer.write("t", { a: 1 });
    writer.write("t", { big: "y".repeat(200) });
    writer.write("t", { a: 2 });
    const files = await writer.close();
    deepStrictEqual(files.map((f) => f.rows), [1, 1, 1]);
    deepStrictEqual(await readRows(files[1].path), [{ big: "y".repeat(200) }]);
  });
});

Deno.test("JobWriter.close() without rows writes no files; write() after close throws", async () => {
  await withPackage(async (pkg) => {
    const writer = pkg.jobWriter();
    deepStrictEqual(await writer.close(), []);
    deepStrictEqual(await pkg.jobs(), []);
    throws(() => writer.write("t", {}), InternalError);
    deepStrictEqual(await writer.close(), []);
  });
});

Deno.test("JobWriter rejects a non-positive maxFileBytes", () => {
  throws(() => new JobWriter("/nowhere", { maxFileBytes: 0 }), /maxFileBytes must be/);
});

Deno.test("JobWriter writes 200k nested rows in large batches with bounded buffers", async () => {
  // What makes the writer fast is that `write()` does no I/O and `flush()` writes big chunks,
  // not a time on this machine: count the file writes instead of timing them.
  const realWrite = Deno.FsFile.prototype.write;
  let fileWrites = 0;
  Deno.FsFile.prototype.write = function (this: Deno.FsFile, bytes: Uint8Array) {
    fileWrites++;
    return realWrite.call(this, bytes);
  };
  try {
    await withPackage(async (pkg) => {
      const writer = pkg.jobWriter();
      let maxBuffered = 0;
      let writesDuringWrite = 0;
      let flushes = 1; // close() flushes once more
      for (let i = 0; i < 200_000; i++) {
        const before = fileWrites;
        writer.write("events", {
          id: i,
          type: "PushEvent",
          actor__login: "octocat",
          payload__size: 3,
          created_at: "2024-01-02T03:04:05Z",
          _dlt_load_id: "1.000001",
          _dlt_id: "abcdefghijklmn",
        });
        writesDuringWrite += fileWrites - before;
        if (writer.bufferedBytes > 4 * 1024 * 1024) {
          maxBuffered = Math.max(maxBuffered, writer.bufferedBytes);
          await writer.flush();
          flushes++;
        }
      }
      const files = await writer.close();
      equal(files.reduce((n, f) => n + f.rows, 0), 200_000);
      ok(maxBuffered < 5 * 1024 * 1024);
      equal(writesDuringWrite, 0, "write() only buffers");
      const bytes = files.reduce((n, f) => n + f.bytes, 0);
      ok(bytes > 30 * 1024 * 1024, `${bytes} bytes`);
      // One write per full 1 MiB encode buffer, one per flush for the buffer being filled, and
      // one more where a file boundary splits a buffer; per row it would be 200k.
      const mostWrites = Math.ceil(bytes / (1024 * 1024)) + flushes + 2 * files.length;
      ok(fileWrites <= mostWrites, `${fileWrites} file writes for ${bytes} bytes`);
    });
  } finally {
    Deno.FsFile.prototype.write = realWrite;
  }
});

Deno.test("JobWriter reuses its encode buffers across flushes without old bytes showing through", async () => {
  await withPackage(async (pkg) => {
    const writer = pkg.jobWriter();
    // Long rows first fill the buffers; short rows after a flush land in the same buffers.
    const long = "x".repeat(5000);
    for (let i = 0; i < 400; i++) writer.write(i % 2 ? "a" : "b", { i, long });
    await writer.flush();
    for (let i = 0; i < 300; i++) writer.write(i % 2 ? "b" : "a", { i });
    await writer.flush();
    writer.write("a", { last: true });
    const files = await writer.close();
    const rows = Object.fromEntries(
      await Promise.all(files.map(async (f) => [f.table, await readRows(f.path)] as const)),
    );
    const expected = (first: number, then: number) => [
      ...Array.from({ length: 200 }, (_, k) => ({ i: 2 * k + first, long })),
      ...Array.from({ length: 150 }, (_, k) => ({ i: 2 * k + then })),
    ];
    deepStrictEqual(rows.a, [...expected(1, 0), { last: true }]);
    deepStrictEqual(rows.b, expected(0, 1));
  });
});
