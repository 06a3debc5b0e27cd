/**
 * End to end: dltx continues a filesystem dataset that dlt 1.26.0 wrote
 * (`../shared/dlt_samples/continue_from_dlt`, beside the repository): with an empty pipelines
 * folder it restores dlt's state and schema from the bucket, sends dlt's cursor, loads only
 * what is new, and ends where dlt itself ended after the same second run (`expected.json`).
 * What it adds is what dlt would have added: gzipped JSONL, dlt's state encoding and fields,
 * no new schema version.
 */

import { deepStrictEqual, equal, match, ok } from "node:assert/strict";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { decompressState } from "../core/pipeline/mod.ts";
import { tempProject } from "./_helpers.ts";

const SAMPLE = new URL("../../shared/dlt_samples/continue_from_dlt/", import.meta.url);
const SAMPLE_DIR = SAMPLE.pathname;
const present = await Deno.stat(SAMPLE_DIR).then(() => true, () => false);
if (!present) {
  // The reason the test is skipped must show in the test output.
  Deno.stderr.writeSync(
    new TextEncoder().encode(
      `continue_from_dlt_test: skipped, the sample is not at ${SAMPLE_DIR}\n`,
    ),
  );
}

type Row = Record<string, unknown>;

/** Copies a folder tree (files made writable: the sample is read-only). */
async function copyTree(from: string, to: string): Promise<void> {
  await Deno.mkdir(to, { recursive: true });
  for await (const entry of Deno.readDir(from)) {
    const [src, dst] = [join(from, entry.name), join(to, entry.name)];
    if (entry.isDirectory) await copyTree(src, dst);
    else {
      await Deno.copyFile(src, dst);
      await Deno.chmod(dst, 0o644);
    }
  }
}

/** The sample's shop API (`node server.mjs`) on a free port; its request log on stderr. */
async function startServer(phase: number) {
  const child = new Deno.Command("node", {
    args: [join(SAMPLE_DIR, "server.mjs"), "0"],
    env: { PHASE: String(phase) },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let out = "";
  while (!out.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error("the sample server exited before printing its port");
    out += value;
  }
  const port = Number(out.split("\n")[0]);
  return {
    port,
    async stop(): Promise<Row[]> {
      child.kill("SIGTERM");
      const [, log] = await Promise.all([
        reader.cancel(),
        new Response(child.stderr).text(),
        child.status,
      ]);
      return log.split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l));
    },
  };
}

/** The rows of a table's data files, as a reader of the bucket sees them, with their file. */
async function tableRows(dataset: string, table: string): Promise<{ file: string; row: Row }[]> {
  const out: { file: string; row: Row }[] = [];
  const dir = join(dataset, table);
  for (const name of [...Deno.readDirSync(dir)].map((e) => e.name).sort()) {
    const file = await Deno.open(join(dir, name));
    const stream = name.endsWith(".gz")
      ? file.readable.pipeThrough(new DecompressionStream("gzip"))
      : file.readable;
    const text = await new Response(stream).text();
    for (const line of text.split("\n")) if (line) out.push({ file: name, row: JSON.parse(line) });
  }
  return out;
}

function digest10(text: string): string {
  return createHash("shake128", { outputLength: 10 }).update(text).digest("base64")
    .replace(/=+$/, "");
}

Deno.test({
  name: "dltx continues a filesystem dataset dlt 1.26 wrote, ending where dlt ended",
  ignore: !present,
  async fn() {
    const expected = JSON.parse(await Deno.readTextFile(join(SAMPLE_DIR, "expected.json")));
    await using p = await tempProject();
    const bucket = p.path("bucket");
    await copyTree(join(SAMPLE_DIR, "dlt_output"), bucket);
    const dataset = join(bucket, expected.dataset_name);
    const before = new Set(
      ["_dlt_version", "_dlt_pipeline_state", "_dlt_loads"].flatMap((t) =>
        [...Deno.readDirSync(join(dataset, t))].map((e) => `${t}/${e.name}`)
      ),
    );
    const server = await startServer(2);
    let log: Row[] = [];
    let res;
    try {
      const config = JSON.parse(await Deno.readTextFile(join(SAMPLE_DIR, "config.json")));
      config.client.base_url = `http://127.0.0.1:${server.port}/`;
      await Deno.writeTextFile(p.path("config.json"), JSON.stringify(config));
      res = await p.dltx([
        "run",
        "./config.json",
        "--pipeline",
        expected.pipeline_name,
        "--dataset",
        expected.dataset_name,
        "--to",
        "filesystem",
      ], {
        DESTINATION__FILESYSTEM__BUCKET_URL: bucket,
        DESTINATION__FILESYSTEM__LOADER_FILE_FORMAT: "jsonl",
      });
    } finally {
      log = await server.stop();
    }
    equal(res.code, 0, res.stderr);
    match(res.stderr, /Restored the state and 1 schema\(s\) of pipeline shop_sync/);
    // dlt's fallback for merge on files, with its warning.
    match(res.stderr, /falling back to `append` on `orders`/);

    // The cursor taken from dlt's state: order 12 comes back at the boundary only.
    const sent = log.filter((r) => r.path === expected.merge_endpoint).map((r) => r.since);
    deepStrictEqual(sent, [expected.second_run.since_sent]);

    // Row counts, in all and in the files this run added.
    const { merge, merge_child: child, append } = expected.tables;
    const loadIds = new Set<string>();
    for (const table of [merge, child, append]) {
      const rows = await tableRows(dataset, table);
      equal(rows.length, expected.final.row_counts[table], table);
      const added = rows.filter((r) => !r.file.startsWith(expected.first_run.load_id));
      equal(added.length, expected.second_run.row_counts[table], `${table} added`);
      for (const { file } of added) {
        match(file, /^\d+\.\d+\.[0-9a-f]{10}\.jsonl\.gz$/);
        loadIds.add(file.split(".").slice(0, 2).join("."));
      }
    }
    equal(loadIds.size, 1);
    const [loadId] = loadIds;

    // Each order as a reader sees it (the newest load's row wins), timestamps as dlt spells them.
    const orders = await tableRows(dataset, merge);
    // (The second load is this run's, whatever the clock says of its load id.)
    const newest = new Map<unknown, Row>();
    for (const { row } of orders) {
      if (!newest.has(row.id) || row._dlt_load_id === loadId) newest.set(row.id, row);
    }
    deepStrictEqual(
      [...newest.values()].sort((a, b) => Number(a.id) - Number(b.id)).map((r) => ({
        id: r.id,
        updated_at: r.updated_at,
      })),
      expected.final.merge_rows,
    );
    // New rows are laid out as dlt's (same keys in the same order), child ids as dlt derives them.
    const dltOrder = orders.find((r) => r.file.startsWith(expected.first_run.load_id))!.row;
    const ourOrder = orders.find((r) => r.file.startsWith(loadId))!.row;
    deepStrictEqual(Object.keys(ourOrder), Object.keys(dltOrder));
    for (
      const { row } of (await tableRows(dataset, child)).filter((r) => r.file.startsWith(loadId))
    ) {
      equal(row._dlt_id, digest10(`${row._dlt_parent_id}_${child}_${row._dlt_list_idx}`));
      equal(row._dlt_root_id, undefined);
    }

    // Byte for byte: an event dltx loaded again is dlt's line, but for the load and row ids.
    const lines = async (name: string) => {
      const file = await Deno.open(join(dataset, append, name));
      const text = await new Response(file.readable.pipeThrough(new DecompressionStream("gzip")))
        .text();
      return text.split("\n").map((l) => l.replace(/"_dlt_load_id":"[^"]*","_dlt_id":"[^"]*"/, ""));
    };
    const files = [...Deno.readDirSync(join(dataset, append))].map((e) => e.name);
    const dltFile = files.find((f) => f.startsWith(expected.first_run.load_id))!;
    const ourFile = files.find((f) => f.startsWith(loadId))!;
    const [dltLines, ourLines] = [await lines(dltFile), await lines(ourFile)];
    equal(ourLines[0], dltLines[0]);
    deepStrictEqual(ourLines.slice(0, dltLines.length - 1), dltLines.slice(0, -1));

    // dlt's schema was kept as it was: no new version was stored.
    const after = ["_dlt_version", "_dlt_pipeline_state", "_dlt_loads"].flatMap((t) =>
      [...Deno.readDirSync(join(dataset, t))].map((e) => `${t}/${e.name}`)
    );
    const added = after.filter((f) => !before.has(f)).sort();
    equal(added.length, 2, `${added}`);
    equal(added[0], `_dlt_loads/${expected.source_name}__${loadId}.jsonl`);
    const [schemaHashHex] = [...before].filter((f) => f.startsWith("_dlt_version/"))
      .map((f) => f.split("__").at(-1));
    equal(
      added[1],
      `_dlt_pipeline_state/${expected.pipeline_name}__${loadId}__${schemaHashHex}`,
    );

    // The state dlt would read: dlt's fields and encoding, the cursor where dlt left it.
    const doc = JSON.parse(await Deno.readTextFile(join(dataset, added[1])));
    deepStrictEqual(Object.keys(doc), [
      "version",
      "engine_version",
      "pipeline_name",
      "state",
      "created_at",
      "version_hash",
      "_dlt_load_id",
    ]);
    match(doc.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?\+00:00$/);
    const state = decompressState(doc.state);
    equal(state.destination_type, "dlt.destinations.filesystem");
    equal(state.destination_name, null);
    equal(state.pipeline_name, expected.pipeline_name);
    equal(state.dataset_name, expected.dataset_name);
    equal(state._version_hash, doc.version_hash);
    ok(Number(state._state_version) > 1);
    const sources = state.sources as Record<string, Row>;
    deepStrictEqual(
      (sources[expected.source_name].resources as Record<string, Row>)[merge],
      { incremental: { [expected.cursor_path]: expected.second_run.incremental_state } },
    );
  },
});
