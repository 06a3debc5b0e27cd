import { deepEqual, equal, throws } from "node:assert/strict";
import { DataError } from "../errors.ts";
import { newSchema, toStoredSchema } from "../schema/mod.ts";
import { parseNewestSchemas, parseStoredSchema, stateSchemaNames } from "./stored_schemas.ts";

const text = (name: string) => JSON.stringify(toStoredSchema(newSchema(name)));

Deno.test("stateSchemaNames() reads schema_names, and none means every schema", () => {
  deepEqual(stateSchemaNames({ schema_names: ["shop", 7, "crm"] }), ["shop", "crm"]);
  equal(stateSchemaNames({ schema_names: [] }), undefined);
  equal(stateSchemaNames({ schema_names: "shop" }), undefined);
  equal(stateSchemaNames({}), undefined);
});

Deno.test("parseNewestSchemas() keeps the state's order, else every schema by name", () => {
  const newest = new Map([["zeta", text("zeta")], ["alpha", text("alpha")]]);
  deepEqual(
    parseNewestSchemas(newest, ["zeta", "missing", "alpha"], "ds._dlt_version").map((s) => s.name),
    ["zeta", "alpha"],
  );
  deepEqual(parseNewestSchemas(newest, undefined, "ds._dlt_version").map((s) => s.name), [
    "alpha",
    "zeta",
  ]);
});

Deno.test("a stored schema that is no JSON or no schema fails naming where it is stored", () => {
  const newest = new Map([["shop", "{not json"]]);
  throws(
    () => parseNewestSchemas(newest, undefined, "ds._dlt_version"),
    (err) =>
      err instanceof DataError &&
      err.message.startsWith('Cannot read the schema stored in ds._dlt_version (schema "shop"): '),
  );
  throws(() => parseStoredSchema('{"tables": 5}', "a/b.json"), DataError);
  equal(parseStoredSchema(text("shop"), "a/b.json").name, "shop");
});
