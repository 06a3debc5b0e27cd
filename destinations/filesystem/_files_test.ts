import { deepStrictEqual, equal, rejects } from "node:assert/strict";
import { join } from "node:path";
import { jobFileId, listTableFiles, tempPathOf, writeAtomically } from "./_files.ts";

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "dltx_fs_files_" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function touch(dir: string, ...paths: string[]): Promise<void> {
  for (const path of paths) {
    await Deno.mkdir(join(dir, path, ".."), { recursive: true });
    await Deno.writeTextFile(join(dir, path), "x");
  }
}

Deno.test("writeAtomically() renames the finished temporary file into place", async () => {
  await withDir(async (dir) => {
    const path = join(dir, "t", "1.abc.parquet");
    let seen = "";
    await writeAtomically(path, async (temp) => {
      seen = temp;
      await Deno.writeTextFile(temp, "data");
    });
    equal(seen, join(dir, "t", ".1.abc.parquet.tmp"));
    equal(seen, tempPathOf(path));
    equal(await Deno.readTextFile(path), "data");
    deepStrictEqual([...Deno.readDirSync(join(dir, "t"))].map((e) => e.name), ["1.abc.parquet"]);
  });
});

Deno.test("writeAtomically() removes the temporary file when writing fails", async () => {
  await withDir(async (dir) => {
    const path = join(dir, "x.csv");
    await rejects(
      writeAtomically(path, async (temp) => {
        await Deno.writeTextFile(temp, "half");
        throw new Error("disk full");
      }),
      /disk full/,
    );
    deepStrictEqual([...Deno.readDirSync(dir)], []);
  });
});

Deno.test("listTableFiles() finds a table's files by prefix, nested folders too", async () => {
  await withDir(async (dir) => {
    await touch(
      dir,
      "init",
      "items/1.a.parquet",
      "items/2024/06/2.b.parquet",
      "items/.3.c.parquet.tmp",
      "items__tags/1.d.parquet",
      "items.1.e.jsonl",
      "items__tags.1.f.jsonl",
      "_dlt_loads/shop__1.jsonl",
    );
    deepStrictEqual(await listTableFiles(dir, "items/"), [
      join(dir, "items/1.a.parquet"),
      join(dir, "items/2024/06/2.b.parquet"),
    ]);
    deepStrictEqual(await listTableFiles(dir, "items."), [join(dir, "items.1.e.jsonl")]);
    deepStrictEqual(await listTableFiles(dir, "items__tags/"), [
      join(dir, "items__tags/1.d.parquet"),
    ]);
    deepStrictEqual(await listTableFiles(dir, "missing/"), []);
    deepStrictEqual(await listTableFiles(join(dir, "nope"), "items/"), []);
  });
});

Deno.test("jobFileId() reads the file id of dlt's job file names", () => {
  equal(jobFileId("/p/new_jobs/items.a1b2c3d4e5.0.jsonl"), "a1b2c3d4e5");
  equal(jobFileId("/p/items__tags.ff00ff00ff.1.jsonl"), "ff00ff00ff");
  equal(jobFileId("/p/items.jsonl"), undefined);
});
