import { equal } from "node:assert/strict";
import { join } from "node:path";
import {
  DEFAULT_MAXIMUM_OBJECT_SIZE,
  maximumObjectSizeArg,
  maximumObjectSizeFor,
  readLimitFor,
} from "./read_limits.ts";
import { insertFromJsonSql } from "./sql.ts";

Deno.test("readLimitFor() keeps DuckDB's default for small files, else the largest file's size", async () => {
  const dir = await Deno.makeTempDir({ prefix: "dltx_limits_" });
  try {
    const small = join(dir, "small.jsonl");
    const big = join(dir, "big.jsonl");
    await Deno.writeTextFile(small, "{}\n");
    await Deno.writeFile(big, new Uint8Array(5000));
    equal(await readLimitFor([small], 4096), undefined);
    equal(await readLimitFor([small, big, join(dir, "missing")], 4096), 5000 + 1024);
    equal(await maximumObjectSizeFor([small, big]), undefined, "both under 16 MiB");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("readLimitFor() counts a gzipped file with its uncompressed size", async () => {
  const dir = await Deno.makeTempDir({ prefix: "dltx_limits_" });
  try {
    const gz = join(dir, "big.jsonl.gz");
    // 6000 bytes of one repeated letter compress to a few dozen.
    const text = `{"a":"${"x".repeat(5990)}"}\n`;
    const stream = ReadableStream.from([new TextEncoder().encode(text)])
      .pipeThrough(new CompressionStream("gzip"));
    await Deno.writeFile(gz, stream);
    equal((await Deno.stat(gz)).size < 200, true);
    equal(await readLimitFor([gz], 4096), text.length + 1024);
    equal(await readLimitFor([gz], 8192), undefined);
    // Not really gzip: its own size counts.
    const fake = join(dir, "fake.csv.gz");
    await Deno.writeFile(fake, new Uint8Array(5000));
    equal(await readLimitFor([fake], 4096), 5000 + 1024);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("insertFromJsonSql() passes maximum_object_size only when raised", () => {
  const columns = [{ name: "id", data_type: "bigint" as const, nullable: true }];
  const plain = insertFromJsonSql("d", "t", columns, "/x.jsonl");
  equal(plain.includes("maximum_object_size"), false);
  const raised = insertFromJsonSql("d", "t", columns, "/x.jsonl", DEFAULT_MAXIMUM_OBJECT_SIZE * 3);
  equal(raised.endsWith(`, maximum_object_size=${DEFAULT_MAXIMUM_OBJECT_SIZE * 3})`), true, raised);
  equal(maximumObjectSizeArg(undefined), "");
});
