import { deepStrictEqual, equal } from "node:assert/strict";
import { createHash } from "node:crypto";
import { bumpVersion, newSchema } from "../schema/mod.ts";
import { WorkingDir } from "./working_dir.ts";

/** dlt's `verify_schema_hash`, written out again here: the check dlt runs on this file. */
function dltHash(stored: Record<string, unknown>): string {
  const canon = (v: unknown): string => {
    if (v === null || typeof v !== "object") return JSON.stringify(v);
    if (Array.isArray(v)) return `[${v.map(canon).join(",")}]`;
    const r = v as Record<string, unknown>;
    return `{${Object.keys(r).sort().map((k) => `${JSON.stringify(k)}:${canon(r[k])}`).join(",")}}`;
  };
  const { version: _v, version_hash: _h, previous_hashes: _p, ...content } = stored;
  const hash = createHash("sha3-256").update(canon(content));
  const tables = content.tables as Record<string, { columns: Record<string, unknown> }>;
  for (const name of Object.keys(tables).sort()) {
    hash.update(name);
    for (const column of Object.keys(tables[name].columns)) hash.update(column);
  }
  return hash.digest("base64");
}

Deno.test("WorkingDir stores a schema dlt accepts: dlt's shape, its hash verifies", async () => {
  const dir = await Deno.makeTempDir({ prefix: "dltx_wd_" });
  try {
    const wd = new WorkingDir(dir, "p");
    await wd.ensure();
    const schema = newSchema("shop");
    schema.tables.orders = {
      name: "orders",
      columns: { id: { name: "id", data_type: "bigint", nullable: false, primary_key: true } },
      write_disposition: "merge",
      merge_strategy: "upsert",
      resource: "orders",
    };
    bumpVersion(schema, schema.version_hash);
    await wd.writeSchema(schema);
    const stored = JSON.parse(await Deno.readTextFile(`${dir}/p/schemas/shop.schema.json`));
    equal(dltHash(stored), stored.version_hash);
    equal(stored.tables.orders["x-merge-strategy"], "upsert");
    equal(stored.tables.orders.merge_strategy, undefined);
    deepStrictEqual(Object.keys(stored.tables), [
      "_dlt_version",
      "_dlt_loads",
      "orders",
      "_dlt_pipeline_state",
    ]);
    // Read back, it is the schema written.
    deepStrictEqual(await wd.readSchema("shop"), schema);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
