import { deepEqual, equal, match } from "node:assert/strict";
import { incrementalHint } from "./incremental.ts";
import { operation, query } from "./_testing.ts";
import type { Parameter, Schema } from "./types.ts";

const record: Schema = {
  type: "object",
  properties: { id: { type: "integer" }, created_at: {}, updated_at: {} },
};

function hint(param: Parameter, item: Schema = record) {
  return incrementalHint(operation("/items", { parameters: [query("q"), param] }), item);
}

Deno.test("incrementalHint() pairs a change-time param with the records' change time", () => {
  deepEqual(hint(query("since", { type: "string", format: "date-time" }))?.value, {
    type: "incremental",
    cursor_path: "updated_at",
    initial_value: "1970-01-01T00:00:00Z",
  });
  equal(
    hint(query("updatedAfter", { type: "string", format: "date" }))?.value?.initial_value,
    "1970-01-01",
  );
  equal(hint(query("modified_since"))?.param, "modified_since");
});

Deno.test("incrementalHint() pairs an id filter (GitHub's integer since) with the id", () => {
  deepEqual(hint(query("since", { type: "integer" }))?.value, {
    type: "incremental",
    cursor_path: "id",
    initial_value: 0,
  });
  equal(hint(query("since_id"))?.value?.cursor_path, "id");
});

Deno.test("incrementalHint() pairs a creation-time param with the creation time", () => {
  equal(hint(query("created_after"))?.value?.cursor_path, "created_at");
});

Deno.test("incrementalHint() says so when the records have no field to use as the cursor", () => {
  const h = hint(query("updated_since"), { type: "object", properties: { name: {} } });
  equal(h?.value, undefined);
  match(h!.reason, /document no change time field/);
});

Deno.test("incrementalHint() finds nothing without such a param", () => {
  equal(hint(query("status")), undefined);
  equal(incrementalHint(operation("/items"), record), undefined);
});
