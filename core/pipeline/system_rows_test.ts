import { deepStrictEqual, equal, match } from "node:assert/strict";
import { newSchema, toStoredSchema } from "../schema/mod.ts";
import { decompressState } from "./state_codec.ts";
import { isoformatUtc, loadRow, stateRow, versionRow } from "./system_rows.ts";

const NOW = new Date("2026-12-03T08:31:04.045Z");

Deno.test("isoformatUtc() spells times as Python's isoformat() of a UTC datetime", () => {
  equal(isoformatUtc(NOW), "2026-12-03T08:31:04.045000+00:00");
  equal(isoformatUtc(new Date("2024-03-01T10:00:00Z")), "2024-03-01T10:00:00+00:00");
  equal(isoformatUtc(new Date("2024-03-01T10:00:00.001Z")), "2024-03-01T10:00:00.001000+00:00");
});

Deno.test("system rows have dlt's columns, in dlt's order, with dlt's values", () => {
  const schema = newSchema("shop");
  deepStrictEqual(loadRow(schema, { loadId: "1.5", now: NOW }), {
    load_id: "1.5",
    schema_name: "shop",
    status: 0,
    inserted_at: NOW,
    schema_version_hash: schema.version_hash,
  });
  const version = versionRow(schema, NOW);
  deepStrictEqual(Object.keys(version), [
    "version",
    "engine_version",
    "inserted_at",
    "schema_name",
    "version_hash",
    "schema",
  ]);
  deepStrictEqual(JSON.parse(version.schema), toStoredSchema(schema));
  const state = { pipeline_name: "p", sources: { s: { n: 12345678901234567890n } } };
  const row = stateRow(
    { pipelineName: "p", state, version: 3, versionHash: "h" },
    { loadId: "1.5", now: NOW },
  );
  deepStrictEqual(Object.keys(row), [
    "version",
    "engine_version",
    "pipeline_name",
    "state",
    "created_at",
    "version_hash",
    "_dlt_load_id",
    "_dlt_id",
  ]);
  equal(row.engine_version, 4);
  deepStrictEqual(decompressState(row.state), state);
  match(row._dlt_id, /^[A-Za-z0-9+/]{14}$/);
});
