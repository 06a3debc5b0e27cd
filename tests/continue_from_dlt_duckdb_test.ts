/**
 * End to end: dltx continues a DuckDB dataset laid out as dlt 1.26 leaves it after the first
 * run of `../shared/dlt_samples/continue_from_dlt` on its duckdb destination. No DuckDB file
 * written by dlt is at hand, so the test builds one from dlt's own output: the rows of the
 * sample's bucket, dlt's stored schema with what dlt adds for a destination that merges (the
 * `_dlt_root_id` root key and its propagation; the version hash dlt's way), dlt's compressed
 * state with `destination_type: dlt.destinations.duckdb`, and the system tables with dlt's
 * columns. With an empty pipelines folder dltx restores state and schema from it, sends dlt's
 * cursor and merges, ending at `expected.json`'s merged row counts.
 */

import { deepStrictEqual, equal, match } from "node:assert/strict";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { compressState, decompressState } from "../core/pipeline/mod.ts";
import { computeVersionHash, fromStoredSchema, toStoredSchema } from "../core/schema/mod.ts";
import { tempProject } from "./_helpers.ts";

const SAMPLE_DIR = new URL("../../shared/dlt_samples/continue_from_dlt/", import.meta.url).pathname;
const present = await Deno.stat(SAMPLE_DIR).then(() => true, () => false);
if (!present) {
  // The reason the test is skipped must show in the test output.
  Deno.stderr.writeSync(
    new TextEncoder().encode(
      `continue_from_dlt_duckdb_test: skipped, the sample is not at ${SAMPLE_DIR}\n`,
    ),
  );
}

const DS = "shop_data";
const LOAD_ID = "1796286663.7431545";

/** The file name in `dir` that starts with `prefix`. */
function fileIn(dir: string, prefix = ""): string {
  return join(dir, [...Deno.readDirSync(dir)].find((e) => e.name.startsWith(prefix))!.name);
}

/** dlt's DuckDB type of a schema data type. */
const TYPES: Record<string, string> = {
  text: "VARCHAR",
  bigint: "BIGINT",
  double: "DOUBLE",
  timestamp: "TIMESTAMP WITH TIME ZONE",
  bool: "BOOLEAN",
};

/** Builds `<db>` with the sample's first load, as dlt's duckdb destination would hold it. */
async function buildDltDatabase(db: string): Promise<void> {
  const output = join(SAMPLE_DIR, "dlt_output", DS);
  const version = JSON.parse(await Deno.readTextFile(fileIn(join(output, "_dlt_version"))));
  const schema = fromStoredSchema(JSON.parse(version.schema), "the sample");
  // On a destination that merges, dlt gives the merge table's child rows its root key.
  schema.tables.orders__items.columns._dlt_root_id = {
    name: "_dlt_root_id",
    data_type: "text",
    nullable: false,
    root_key: true,
  };
  schema.normalizers!.json.config = {
    propagation: { tables: { orders: { _dlt_id: "_dlt_root_id" } } },
  };
  schema.version_hash = computeVersionHash(schema);
  const stateDoc = JSON.parse(await Deno.readTextFile(fileIn(join(output, "_dlt_pipeline_state"))));
  const state = decompressState(stateDoc.state);
  state.destination_type = "dlt.destinations.duckdb";

  const instance = await DuckDBInstance.create(db);
  const con = await instance.connect();
  try {
    await con.run(`CREATE SCHEMA ${DS}`);
    const stored = toStoredSchema(schema);
    for (const [name, table] of Object.entries(stored.tables)) {
      const columns = Object.values(table.columns as Record<string, Record<string, unknown>>);
      const ddl = columns.map((c) =>
        `"${c.name}" ${TYPES[String(c.data_type)]}${c.nullable ? "" : " NOT NULL"}`
      );
      await con.run(`CREATE TABLE ${DS}."${name}" (${ddl.join(", ")})`);
      if (name.startsWith("_dlt_")) continue;
      const types = columns.filter((c) => c.name !== "_dlt_root_id").map((c) =>
        `'${c.name}': '${TYPES[String(c.data_type)]}'`
      );
      const select = name === "orders__items" ? "*, _dlt_parent_id AS _dlt_root_id" : "*";
      await con.run(
        `INSERT INTO ${DS}."${name}" BY NAME SELECT ${select} FROM read_json('${
          fileIn(join(output, name))
        }', format='newline_delimited', columns={${types.join(", ")}})`,
      );
    }
    await con.run(
      `INSERT INTO ${DS}._dlt_version VALUES ($1, 11, '2026-12-03T08:31:04.030354+00:00', ` +
        "'shop', $2, $3)",
      [BigInt(schema.version), schema.version_hash, JSON.stringify(stored)],
    );
    await con.run(
      `INSERT INTO ${DS}._dlt_loads VALUES ('${LOAD_ID}', 'shop', 0, ` +
        "'2026-12-03T08:31:04.045027+00:00', $1)",
      [schema.version_hash],
    );
    await con.run(
      `INSERT INTO ${DS}._dlt_pipeline_state VALUES ($1, 4, 'shop_sync', $2, ` +
        `'2026-12-03T08:31:03.934788+00:00', $3, '${LOAD_ID}', 'stateRowId0001')`,
      [BigInt(stateDoc.version), compressState(state), state._version_hash as string],
    );
  } finally {
    con.closeSync();
    instance.closeSync();
  }
}

Deno.test({
  name: "dltx continues a DuckDB dataset laid out as dlt leaves it, merging as dlt would",
  ignore: !present,
  async fn() {
    const expected = JSON.parse(await Deno.readTextFile(join(SAMPLE_DIR, "expected.json")));
    await using p = await tempProject();
    const db = p.path("shop.duckdb");
    await buildDltDatabase(db);
    const before = await p.query(db, `SELECT version_hash FROM ${DS}._dlt_version`);

    const child = new Deno.Command("node", {
      args: [join(SAMPLE_DIR, "server.mjs"), "0"],
      env: { PHASE: "2" },
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let res;
    let log = "";
    try {
      let out = "";
      while (!out.includes("\n")) out += (await reader.read()).value ?? "\n";
      const config = JSON.parse(await Deno.readTextFile(join(SAMPLE_DIR, "config.json")));
      config.client.base_url = `http://127.0.0.1:${Number(out.split("\n")[0])}/`;
      await Deno.writeTextFile(p.path("config.json"), JSON.stringify(config));
      res = await p.dltx(
        ["run", "./config.json", "--pipeline", "shop_sync", "--dataset", DS, "--to", "duckdb"],
        { DESTINATION__DUCKDB__CREDENTIALS: db },
      );
    } finally {
      child.kill("SIGTERM");
      [, log] = await Promise.all([
        reader.cancel(),
        new Response(child.stderr).text(),
        child.status,
      ]);
    }
    equal(res.code, 0, res.stderr);
    match(res.stderr, /Restored the state and 1 schema\(s\) of pipeline shop_sync/);
    const since = log.split("\n").filter((l) => l.includes('"/orders"')).map((l) =>
      JSON.parse(l).since
    );
    deepStrictEqual(since, [expected.second_run.since_sent]);

    const counts = await p.query(
      db,
      `SELECT (SELECT count(*) FROM ${DS}.orders) AS orders, ` +
        `(SELECT count(*) FROM ${DS}.orders__items) AS orders__items, ` +
        `(SELECT count(*) FROM ${DS}.events) AS events`,
    );
    deepStrictEqual(counts[0], {
      ...expected.final.merged_row_counts,
      events: expected.final.row_counts.events,
    });
    const orders = await p.query(db, `SELECT id, updated_at FROM ${DS}.orders ORDER BY id`);
    deepStrictEqual(
      orders.map((r) => ({ id: r.id, updated_at: (r.updated_at as Date).toISOString() })),
      expected.final.merge_rows.map((r: { id: number; updated_at: string }) => ({
        id: r.id,
        updated_at: new Date(r.updated_at).toISOString(),
      })),
    );
    // Every child row belongs to a current order.
    const orphans = await p.query(
      db,
      `SELECT count(*) AS n FROM ${DS}.orders__items c LEFT JOIN ${DS}.orders o ` +
        "ON c._dlt_root_id = o._dlt_id WHERE o._dlt_id IS NULL",
    );
    equal(orphans[0].n, 0);

    // dlt's schema held: no new version; the new state is dlt's, with dlt's cursor.
    deepStrictEqual(await p.query(db, `SELECT version_hash FROM ${DS}._dlt_version`), before);
    const [row] = await p.query(
      db,
      `SELECT state, version_hash FROM ${DS}._dlt_pipeline_state ORDER BY created_at DESC LIMIT 1`,
    );
    const state = decompressState(row.state as string);
    equal(state._version_hash, row.version_hash);
    equal(state.destination_type, "dlt.destinations.duckdb");
    equal(state.destination_name, null);
    const resources = (state.sources as Record<string, Record<string, unknown>>).shop.resources;
    deepStrictEqual((resources as Record<string, unknown>).orders, {
      incremental: { updated_at: expected.second_run.incremental_state },
    });
  },
});
