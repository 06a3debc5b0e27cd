/**
 * A full disk under the pipelines folder (a small tmpfs as `DLTX_PIPELINES_DIR`): one line
 * naming the folder and exit 1, never an internal error; when the destination had committed,
 * the message says the load is done, and the next run (with space again) finishes the local
 * bookkeeping and loads nothing twice.
 *
 * The tmpfs is mounted directly when the test may (root), else inside an unprivileged user
 * and mount namespace (`unshare -rm`); where neither works the tests are skipped, saying why.
 * Every CLI run of a scenario happens inside one shell script, so that the namespace (and its
 * mount) lives through all of them.
 */
import { equal, match, ok } from "node:assert/strict";
import { join } from "node:path";
import {
  type CliResult,
  DLTX_ARGV,
  json,
  serve,
  shQuote,
  type TempProject,
  tempProject,
} from "./_helpers.ts";

type MountMode = "mount" | "unshare";

/** How this machine lets a test mount a tmpfs, or why it does not. */
async function probeMount(): Promise<{ mode: MountMode } | { skip: string }> {
  if (Deno.build.os !== "linux") return { skip: `tmpfs mounts need Linux (${Deno.build.os})` };
  const dir = await Deno.makeTempDir({ prefix: "dltx_probe_" });
  const script = `mount -t tmpfs -o size=64k tmpfs '${dir}' && umount '${dir}'`;
  const reasons: string[] = [];
  // DLTX_TEST_MOUNT=unshare tries the namespace only (how a CI runner without root runs it).
  const only = Deno.env.get("DLTX_TEST_MOUNT");
  const modes = ([["mount", ["sh"]], ["unshare", ["unshare", "-rm", "sh"]]] as const)
    .filter(([mode]) => only === undefined || only === mode);
  try {
    for (const [mode, cmd] of modes) {
      const out = await new Deno.Command(cmd[0], {
        args: [...cmd.slice(1), "-c", script],
        stdout: "null",
        stderr: "piped",
      }).output().catch((err: Error) => ({ success: false, stderr: err.message }));
      if (out.success) return { mode };
      const why = typeof out.stderr === "string"
        ? out.stderr
        : new TextDecoder().decode(out.stderr);
      reasons.push(`${mode}: ${why.trim().split("\n")[0] || "failed"}`);
    }
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
  return { skip: `cannot mount a tmpfs here (${reasons.join("; ")})` };
}

const probe = await probeMount();
// The reason a test is skipped must show in the test output, so this one writes to stderr.
const note = "skip" in probe
  ? `disk_full_test.ts: skipped: ${probe.skip}\n`
  : probe.mode === "unshare"
  ? "disk_full_test.ts: tmpfs in a user namespace\n"
  : "";
if (note) Deno.stderr.writeSync(new TextEncoder().encode(note));

/** One step of a scenario: a CLI run, or a new size for the tmpfs. */
type Step = { dltx: string[] } | { resizeKb: number };

/**
 * Mounts a tmpfs of `sizeKb` at `mountDir`, runs `steps` in order inside one shell, copies
 * what the tmpfs holds at the end to `<project>/_after/` and unmounts it.
 */
async function onSmallDisk(
  p: TempProject,
  mode: MountMode,
  options: { mountDir: string; sizeKb: number; env?: Record<string, string> },
  steps: Step[],
): Promise<CliResult[]> {
  const out = p.path("_out");
  await Deno.mkdir(out, { recursive: true });
  await Deno.mkdir(options.mountDir, { recursive: true });
  const lines = [
    "set -u",
    `mount -t tmpfs -o size=${options.sizeKb}k tmpfs ${shQuote(options.mountDir)} || exit 97`,
    `trap 'umount ${shQuote(options.mountDir)}' EXIT`,
  ];
  let runs = 0;
  for (const step of steps) {
    if ("resizeKb" in step) {
      lines.push(`mount -o remount,size=${step.resizeKb}k ${shQuote(options.mountDir)} || exit 98`);
      continue;
    }
    const n = runs++;
    lines.push(
      `${[...DLTX_ARGV, ...step.dltx].map(shQuote).join(" ")} >${shQuote(`${out}/${n}.out`)} ` +
        `2>${shQuote(`${out}/${n}.err`)}; echo $? >${shQuote(`${out}/${n}.code`)}`,
    );
  }
  lines.push(`cp -a ${shQuote(options.mountDir)}/. ${shQuote(p.path("_after"))}/`);
  await Deno.mkdir(p.path("_after"), { recursive: true });
  const cmd = mode === "mount" ? ["sh"] : ["unshare", "-rm", "sh"];
  const res = await new Deno.Command(cmd[0], {
    args: [...cmd.slice(1), "-c", lines.join("\n")],
    cwd: p.dir,
    env: { ...p.env, ...options.env },
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  equal(res.code, 0, `scenario script failed: ${decoder.decode(res.stderr)}`);
  const results: CliResult[] = [];
  for (let n = 0; n < runs; n++) {
    results.push({
      code: Number(await Deno.readTextFile(`${out}/${n}.code`)),
      stdout: await Deno.readTextFile(`${out}/${n}.out`),
      stderr: await Deno.readTextFile(`${out}/${n}.err`),
    });
  }
  return results;
}

const COLUMNS = 1000;

/** One record with many long column names: a schema much bigger than the data. */
function wideRecord(id: number, updatedAt: string) {
  const record: Record<string, unknown> = { id, updated_at: updatedAt };
  for (let i = 0; i < COLUMNS; i++) {
    record[`a_rather_long_field_name_so_that_the_schema_grows_quickly_${i}`] = i;
  }
  return record;
}

function incrementalConnector(base: string) {
  return {
    name: "wide",
    client: { base_url: base, paginator: "single_page" },
    resources: [{
      name: "wide",
      primary_key: "id",
      endpoint: {
        path: "wide",
        params: {
          since: {
            type: "incremental",
            cursor_path: "updated_at",
            initial_value: "2020-01-01T00:00:00Z",
          },
        },
      },
    }],
  };
}

/** The first line of stderr that is an error, and the whole of stderr for messages. */
function errorLines(stderr: string): string[] {
  return stderr.split("\n").filter((l) => l.startsWith("error") || /internal error/.test(l));
}

Deno.test({
  name: "a full pipelines folder before the commit: one line naming it, nothing loaded",
  ignore: "skip" in probe,
  async fn() {
    await using server = serve(() =>
      json(Array.from({ length: 5000 }, (_, i) => ({ id: i, body: "x".repeat(300) })))
    );
    await using p = await tempProject();
    const connector = await p.writeConnector({
      name: "many",
      client: { base_url: server.url, paginator: "single_page" },
      resources: ["many"],
    });
    const small = p.path("small");
    const [res] = await onSmallDisk(
      p,
      (probe as { mode: MountMode }).mode,
      { mountDir: small, sizeKb: 128, env: { DLTX_PIPELINES_DIR: small } },
      [{ dltx: ["run", connector] }],
    );
    equal(res.code, 1, res.stderr);
    const errors = errorLines(res.stderr);
    equal(errors.length, 1, res.stderr);
    match(
      errors[0],
      new RegExp(
        `^error: No space left on device in ${small}/many_pipeline, the working folder of ` +
          'pipeline "many_pipeline": nothing was loaded',
      ),
    );
    ok(!/\n\s+at |internal error/.test(res.stderr), `no stack: ${res.stderr}`);
    // Nothing was committed: no database at all (the first load created none).
    equal(await Deno.stat(p.path("many_pipeline.duckdb")).catch(() => undefined), undefined);
    // The failed package was removed, and with it the space it took.
    const left = await Array.fromAsync(Deno.readDir(p.path("_after", "many_pipeline", "load")));
    equal(left.length, 0, JSON.stringify(left));
  },
});

Deno.test({
  name: "a full pipelines folder after the commit: the load is done, the next run finishes it",
  ignore: "skip" in probe,
  async fn() {
    await using server = serve(() => json([wideRecord(1, "2024-05-01T00:00:00Z")]));
    await using p = await tempProject();
    const connector = await p.writeConnector(incrementalConnector(server.url));
    const small = p.path("small");
    // The load package (job file and compact schema) fits; the pretty-printed schema the
    // bookkeeping writes next to it after the commit does not.
    const [first, second] = await onSmallDisk(
      p,
      (probe as { mode: MountMode }).mode,
      { mountDir: small, sizeKb: 340, env: { DLTX_PIPELINES_DIR: small } },
      [{ dltx: ["run", connector] }, { resizeKb: 10240 }, { dltx: ["run", connector] }],
    );
    equal(first.code, 1, first.stderr);
    const errors = errorLines(first.stderr);
    equal(errors.length, 1, first.stderr);
    const loadId = /^error: Load package (\S+) is loaded into duckdb:\S+wide_pipeline\.duckdb, but/
      .exec(errors[0])?.[1];
    ok(loadId, errors[0]);
    match(
      errors[0],
      new RegExp(
        `the local bookkeeping in ${small}/wide_pipeline failed: no space left on device\\. ` +
          'The load is done: free some space and the next run of pipeline "wide_pipeline" ' +
          "finishes the bookkeeping",
      ),
    );
    ok(!/internal error/.test(first.stderr), first.stderr);

    equal(second.code, 0, second.stderr);
    match(second.stderr, new RegExp(`Loading package ${loadId} that an interrupted run left`));
    match(second.stderr, new RegExp(`Load package ${loadId} is already in .*; not loading it`));
    const rows = await p.query(
      "wide_pipeline.duckdb",
      "SELECT id, _dlt_load_id FROM wide_pipeline_dataset.wide",
    );
    equal(rows.length, 1, "the record is in the destination exactly once");
    equal(rows[0]._dlt_load_id, loadId);
    const loads = await p.query(
      "wide_pipeline.duckdb",
      `SELECT count(*) AS n FROM wide_pipeline_dataset._dlt_loads WHERE load_id = '${loadId}'`,
    );
    equal(Number(loads[0].n), 1);
    // The bookkeeping is complete: the package is loaded, the state holds the cursor.
    const wd = p.path("_after", "wide_pipeline");
    equal((await Deno.readTextFile(join(wd, "load", loadId, "package_state"))).trim(), "loaded");
    const state = await Deno.readTextFile(join(wd, "state.json"));
    match(state, /2024-05-01T00:00:00/);
    // No half-written temp file keeps the space.
    const tmp = [];
    for await (const entry of Deno.readDir(wd)) if (entry.name.endsWith(".tmp")) tmp.push(entry);
    for await (const entry of Deno.readDir(join(wd, "schemas"))) {
      if (entry.name.endsWith(".tmp")) tmp.push(entry);
    }
    equal(tmp.length, 0, JSON.stringify(tmp));
  },
});

Deno.test({
  name: "a full disk under the DuckDB file names the DuckDB file, not the pipelines folder",
  ignore: "skip" in probe,
  async fn() {
    await using server = serve(() =>
      json(Array.from({ length: 5000 }, (_, i) => ({ id: i, body: "x".repeat(300) })))
    );
    await using p = await tempProject();
    const connector = await p.writeConnector({
      name: "many",
      client: { base_url: server.url, paginator: "single_page" },
      resources: ["many"],
    });
    const small = p.path("db");
    const [res] = await onSmallDisk(
      p,
      (probe as { mode: MountMode }).mode,
      {
        mountDir: small,
        sizeKb: 300,
        env: { DESTINATION__DUCKDB__CREDENTIALS: join(small, "many.duckdb") },
      },
      [{ dltx: ["run", connector] }],
    );
    equal(res.code, 1, res.stderr);
    const errors = errorLines(res.stderr);
    equal(errors.length, 1, res.stderr);
    match(
      errors[0],
      new RegExp(`^error: Cannot load package \\S+ into duckdb:${small}/many.duckdb`),
    );
    match(errors[0], /No space left on device/);
    ok(!errors[0].includes(p.env.DLTX_PIPELINES_DIR), errors[0]);
  },
});
