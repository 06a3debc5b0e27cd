import { deepStrictEqual, equal, ok } from "node:assert/strict";
import { newSchema } from "../schema/mod.ts";
import { MAX_JOB_TABLE_PART } from "./_job_file_name.ts";
import { LoadPackage } from "./load_package.ts";

const LONG = "items" + "__children".repeat(40);
const LONGER = LONG + "__children";

Deno.test("job files of very long tables have short names, and jobs() names their tables", async () => {
  const dir = await Deno.makeTempDir({ prefix: "dltx_long_" });
  try {
    const pkg = await LoadPackage.create(dir, "1.000001");
    const writer = pkg.jobWriter();
    writer.write(LONG, { a: 1 });
    writer.write(LONGER, { a: 2 });
    writer.write("items", { a: 3 });
    const files = await writer.close();
    for (const file of files) {
      const name = file.path.slice(file.path.lastIndexOf("/") + 1);
      ok(name.length <= MAX_JOB_TABLE_PART + 30, name);
    }
    deepStrictEqual(files.map((f) => f.table), [LONG, LONGER, "items"]);

    // Before the schema is stored, the names in the files are all a listing has.
    const before = (await pkg.jobs()).map((j) => j.table);
    equal(before.filter((t) => t.length === MAX_JOB_TABLE_PART).length, 2);

    const schema = newSchema("s");
    for (const name of [LONG, LONGER, "items"]) schema.tables[name] = { name, columns: {} };
    await pkg.saveSchema(schema);
    deepStrictEqual((await pkg.jobs()).map((j) => j.table).sort(), ["items", LONG, LONGER].sort());
    // A package opened later (a resumed run) reads them from its schema too.
    const reopened = await LoadPackage.open(pkg.dir);
    const jobs = await reopened.jobs();
    deepStrictEqual(jobs.map((j) => j.table).sort(), ["items", LONG, LONGER].sort());
    const moved = await reopened.moveJob(jobs.find((j) => j.table === LONG)!, "started_jobs");
    equal(moved.table, LONG);
    equal((await reopened.jobs("started_jobs"))[0].table, LONG);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
