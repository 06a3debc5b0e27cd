import { deepStrictEqual, equal, ok, rejects } from "node:assert/strict";
import { DuckDBInstance } from "@duckdb/node-api";
import { UserError } from "../../core/errors.ts";
import {
  openDuckDbHandle,
  openReadHandle,
  openSealedReadHandle,
  SameFileConflict,
  WRITE_ROW_GROUP_SIZE,
} from "./_connect.ts";
import { DuckDbDestination } from "./duckdb_destination.ts";
import { col, deps, schemaOf, SYS, tableOf, withEnv } from "./_testing.ts";

/** Rows per row group of `table` in the file, read by a plain DuckDB open of it. */
async function rowGroups(path: string, table: string): Promise<number[]> {
  const instance = await DuckDBInstance.create(path);
  const con = await instance.connect();
  try {
    const reader = await con.runAndReadAll(
      `SELECT row_group_id, max(count) FROM pragma_storage_info('${table}') ` +
        "GROUP BY ALL ORDER BY ALL",
    );
    return reader.getRows().map((row) => Number(row[1]));
  } finally {
    con.closeSync();
    instance.closeSync();
  }
}

Deno.test("a file the destination loaded opens plainly, with all rows in small row groups", async () => {
  await withEnv(async (env) => {
    const rows = 40_000;
    const t = tableOf("items", [col("id", "bigint", false), col("name", "text"), ...SYS]);
    const lines = Array.from(
      { length: rows },
      (_, i) => JSON.stringify({ id: i, name: `n${i}`, _dlt_load_id: "1.1", _dlt_id: `i${i}` }),
    );
    const job = await env.job("items", lines.join("\n") + "\n");
    const destination = new DuckDbDestination({ path: env.dbPath, deps });
    try {
      await destination.load(env.request("1.1", schemaOf("h1", t), [job]));
    } finally {
      await destination.close();
    }
    // Closed: checkpointed into the file, no WAL left for a reader to replay.
    await rejects(Deno.stat(`${env.dbPath}.wal`), Deno.errors.NotFound);
    const groups = await rowGroups(env.dbPath, "demo_dataset.items");
    equal(groups.reduce((a, b) => a + b, 0), rows);
    ok(groups.length >= Math.ceil(rows / WRITE_ROW_GROUP_SIZE), `row groups ${groups}`);
    ok(groups.every((n) => n <= WRITE_ROW_GROUP_SIZE), `row groups ${groups}`);
    const instance = await DuckDBInstance.create(env.dbPath, { access_mode: "READ_ONLY" });
    const con = await instance.connect();
    try {
      const reader = await con.runAndReadAll(
        "SELECT count(*), sum(id), (SELECT tags['storage_version'] FROM duckdb_databases() " +
          "WHERE database_name = current_database()) FROM demo_dataset.items",
      );
      // The storage version of a plainly created file: small row groups need no newer one.
      deepStrictEqual(reader.getRows()[0].map(String), [
        String(rows),
        String((rows * (rows - 1)) / 2),
        "v1.0.0+",
      ]);
    } finally {
      con.closeSync();
      instance.closeSync();
    }
  });
});

Deno.test("openDuckDbHandle() shares one attached database per file; the file's catalog is the default", async () => {
  await withEnv(async (env) => {
    await Deno.mkdir(`${env.dir}/db`);
    const a = await openDuckDbHandle(env.dbPath);
    const b = await openDuckDbHandle(env.dbPath);
    try {
      await a.connection.run("CREATE TABLE t AS SELECT 1 AS x");
      const extra = await b.connect();
      try {
        const reader = await extra.runAndReadAll("SELECT current_database(), count(*) FROM t");
        deepStrictEqual(reader.getRows()[0].map(String), ["demo", "1"]);
        // The in-memory database the file is attached to is gone: "memory" is free for a
        // dataset, and no table lands outside the file.
        const names = await extra.runAndReadAll(
          "SELECT database_name FROM duckdb_databases() WHERE NOT internal",
        );
        deepStrictEqual(names.getRows().map((r) => String(r[0])), ["demo"]);
      } finally {
        extra.closeSync();
      }
      // Reading while this process writes the file: a read-only open would be a second
      // database on one file; it is refused, and openReadHandle() reads through the writer.
      await rejects(openDuckDbHandle(env.dbPath, { readOnly: true }), SameFileConflict);
      await rejects(openSealedReadHandle(env.dbPath), UserError);
      const reading = await openReadHandle(env.dbPath);
      try {
        const reader = await reading.connection.runAndReadAll("SELECT x FROM t");
        deepStrictEqual(reader.getRows(), [[1]]);
      } finally {
        reading.close();
      }
      a.close();
      a.close(); // twice is harmless: b still holds the file
      const reader = await b.connection.runAndReadAll("SELECT count(*) FROM t");
      equal(Number(reader.getRows()[0][0]), 1);
    } finally {
      a.close();
      b.close();
    }
    // Released by the last handle: a read-only open works and blocks writers until closed.
    const ro = await openDuckDbHandle(env.dbPath, { readOnly: true });
    try {
      await rejects(openDuckDbHandle(env.dbPath), SameFileConflict);
      const reader = await ro.connection.runAndReadAll("SELECT x FROM t");
      deepStrictEqual(reader.getRows(), [[1]]);
    } finally {
      ro.close();
    }
    const again = await openDuckDbHandle(env.dbPath);
    again.close();
  });
});

Deno.test("DuckDbDestination loads and queries a dataset named like DuckDB's in-memory database", async () => {
  await withEnv(async (env) => {
    const t = tableOf("items", [col("id", "bigint", false), ...SYS]);
    const job = await env.job("items", [{ id: 7, _dlt_load_id: "1.1", _dlt_id: "a" }]);
    const destination = new DuckDbDestination({ path: env.dbPath, deps });
    try {
      await destination.load(
        env.request("1.1", schemaOf("h1", t), [job], { datasetName: "memory" }),
      );
      deepStrictEqual(await destination.query('SELECT id FROM "memory".items'), [{ id: 7 }]);
    } finally {
      await destination.close();
    }
  });
});

Deno.test("a database file named like DuckDB's catalogs loads (a pipeline called memory, temp, system, main)", async () => {
  await withEnv(async (env) => {
    const t = tableOf("items", [col("id", "bigint", false), ...SYS]);
    for (const stem of ["memory", "temp", "system", "main"]) {
      const path = env.dbPath.replace(/demo\.duckdb$/, `${stem}.duckdb`);
      const job = await env.job("items", [{ id: 7, _dlt_load_id: "1.1", _dlt_id: "a" }]);
      const destination = new DuckDbDestination({ path, deps });
      try {
        await destination.load(env.request("1.1", schemaOf("h1", t), [job]));
        deepStrictEqual(await destination.query("SELECT id FROM demo_dataset.items"), [{ id: 7 }]);
      } finally {
        await destination.close();
      }
      equal(await rowCount(path, "demo_dataset.items"), 1, stem);
    }
  });
});

/** Rows of `table`, read by a plain DuckDB open of the file. */
async function rowCount(path: string, table: string): Promise<number> {
  const instance = await DuckDBInstance.create(path);
  const con = await instance.connect();
  try {
    return Number((await con.runAndReadAll(`SELECT count(*) FROM ${table}`)).getRows()[0][0]);
  } finally {
    con.closeSync();
    instance.closeSync();
  }
}
