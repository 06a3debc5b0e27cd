import { deepStrictEqual, equal, ok, rejects } from "node:assert/strict";
import { DataError, InternalError, UserError } from "../errors.ts";
import type { Schema } from "../schema/types.ts";
import { relative } from "node:path";
import { listPackages, LoadPackage } from "./load_package.ts";

async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "dltx_pkg_" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("LoadPackage.create() lays out the package folders in state new", async () => {
  await withTempDir(async (dir) => {
    const pkg = await LoadPackage.create(`${dir}/load`, "1700000000.000001");
    equal(pkg.loadId, "1700000000.000001");
    equal(pkg.dir, `${dir}/load/1700000000.000001`);
    for (const f of ["new_jobs", "started_jobs", "completed_jobs", "failed_jobs"]) {
      ok((await Deno.stat(`${pkg.dir}/${f}`)).isDirectory);
    }
    equal(await pkg.state(), "new");
    equal(await Deno.readTextFile(`${pkg.dir}/package_state`), "new");
    await rejects(LoadPackage.create(`${dir}/load`, "1700000000.000001"), InternalError);
  });
});

Deno.test("LoadPackage.setState() moves forward only", async () => {
  await withTempDir(async (dir) => {
    const pkg = await LoadPackage.create(dir, "1.000001");
    await pkg.setState("extracted");
    await pkg.setState("extracted");
    await pkg.setState("normalized");
    await rejects(pkg.setState("extracted"), InternalError);
    await pkg.setState("loaded");
    equal(await (await LoadPackage.open(pkg.dir)).state(), "loaded");
    await rejects(pkg.setState("aborted"), /cannot move from state loaded to aborted/);

    const other = await LoadPackage.create(dir, "2.000001");
    await other.setState("normalized");
    await other.setState("aborted");
    await rejects(other.setState("loaded"), InternalError);
    // No temp files are left behind by the atomic writes.
    deepStrictEqual(
      (await Array.fromAsync(Deno.readDir(other.dir))).filter((e) => e.isFile).map((e) => e.name),
      ["package_state"],
    );
  });
});

Deno.test("LoadPackage.state() rejects an unknown state", async () => {
  await withTempDir(async (dir) => {
    const pkg = await LoadPackage.create(dir, "1.000001");
    await Deno.writeTextFile(`${pkg.dir}/package_state`, "weird");
    await rejects(pkg.state(), DataError);
  });
});

Deno.test("LoadPackage.open() rejects a folder that is not a package", async () => {
  await withTempDir(async (dir) => {
    await rejects(LoadPackage.open(dir), UserError);
  });
});

Deno.test("LoadPackage.jobs() parses job files and moveJob() moves them", async () => {
  await withTempDir(async (dir) => {
    const pkg = await LoadPackage.create(dir, "1.000001");
    await Deno.writeTextFile(`${pkg.dir}/new_jobs/orders.aaaaaaaaaa.0.jsonl`, "{}\n");
    await Deno.writeTextFile(`${pkg.dir}/new_jobs/orders__items.bbbbbbbbbb.1.jsonl`, "{}\n");
    const jobs = await pkg.jobs();
    deepStrictEqual(jobs.map((j) => [j.table, j.fileId, j.retry, j.folder]), [
      ["orders", "aaaaaaaaaa", 0, "new_jobs"],
      ["orders__items", "bbbbbbbbbb", 1, "new_jobs"],
    ]);
    equal(jobs[0].path, `${pkg.dir}/new_jobs/orders.aaaaaaaaaa.0.jsonl`);

    const started = await pkg.moveJob(jobs[0], "started_jobs");
    equal(started.folder, "started_jobs");
    equal(await Deno.readTextFile(started.path), "{}\n");
    const failed = await pkg.moveJob(started, "failed_jobs", { failedMessage: "boom" });
    await pkg.moveJob(jobs[1], "completed_jobs");

    deepStrictEqual((await pkg.jobs("new_jobs")).length, 0);
    deepStrictEqual((await pkg.jobs("failed_jobs")).map((j) => j.fileName), [
      "orders.aaaaaaaaaa.0.jsonl",
    ]);
    equal(await pkg.failedMessage(failed), "boom");
    equal(await pkg.failedMessage(jobs[1]), undefined);
    deepStrictEqual((await pkg.jobs()).map((j) => j.folder), ["failed_jobs", "completed_jobs"]);
  });
});

Deno.test("LoadPackage saves and loads the schema and extra JSON files", async () => {
  await withTempDir(async (dir) => {
    const pkg = await LoadPackage.create(dir, "1.000001");
    await rejects(pkg.loadSchema(), DataError);
    const schema: Schema = {
      name: "s",
      version: 1,
      version_hash: "h",
      engine_version: 11,
      tables: { t: { name: "t", columns: {} } },
    };
    await pkg.saveSchema(schema);
    deepStrictEqual(await pkg.loadSchema(), schema);
    equal(await pkg.readJson("load_package_state.json"), undefined);
    await pkg.writeJson("load_package_state.json", { state: { x: 1 } });
    deepStrictEqual(await pkg.readJson("load_package_state.json"), { state: { x: 1 } });
    await Deno.writeTextFile(`${pkg.dir}/broken.json`, "{");
    await rejects(pkg.readJson("broken.json"), DataError);
  });
});

Deno.test("listPackages() lists packages by load id with their state", async () => {
  await withTempDir(async (dir) => {
    deepStrictEqual(await listPackages(`${dir}/missing`), []);
    const b = await LoadPackage.create(dir, "1700000010.5");
    await LoadPackage.create(dir, "999999999.000001");
    await LoadPackage.create(dir, "1700000010.000002");
    await Deno.mkdir(`${dir}/not_a_package`);
    await b.setState("normalized");
    deepStrictEqual(
      (await listPackages(dir)).map((p) => [p.loadId, p.state]),
      [["999999999.000001", "new"], ["1700000010.000002", "new"], ["1700000010.5", "normalized"]],
    );
    await b.delete();
    equal((await listPackages(dir)).length, 2);
    await b.delete();
  });
});

Deno.test("LoadPackage paths are absolute and missing job folders have no jobs", async () => {
  await withTempDir(async (dir) => {
    const rel = relative(Deno.cwd(), dir);
    const pkg = await LoadPackage.create(rel, "1.000001");
    equal(pkg.dir, `${dir}/1.000001`);
    const writer = pkg.jobWriter();
    writer.write("t", { a: 1 });
    const [file] = await writer.close();
    equal(file.path, `${dir}/1.000001/new_jobs/t.${file.fileId}.0.jsonl`);
    await Deno.remove(`${pkg.dir}/completed_jobs`);
    deepStrictEqual((await pkg.jobs()).map((j) => j.path), [file.path]);
  });
});
