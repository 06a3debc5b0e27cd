import { deepEqual, equal } from "node:assert/strict";
import { primaryKeyOf } from "./primary_key.ts";

Deno.test("primaryKeyOf() takes a required id", () => {
  deepEqual(primaryKeyOf({ required: ["id"], properties: { id: { type: "integer" } } }, "users"), [
    "id",
  ]);
});

Deno.test("primaryKeyOf() takes no key that the spec does not require", () => {
  equal(primaryKeyOf({ properties: { id: { type: "integer" } } }, "users"), undefined);
  equal(primaryKeyOf({ required: ["name"], properties: { name: {} } }, "users"), undefined);
  equal(primaryKeyOf(undefined, "users"), undefined);
});

Deno.test("primaryKeyOf() takes <record>_id and <record>Id, and uuid, key or slug", () => {
  deepEqual(primaryKeyOf({ required: ["order_id"], properties: { order_id: {} } }, "orders"), [
    "order_id",
  ]);
  deepEqual(primaryKeyOf({ required: ["productId"], properties: { productId: {} } }, "products"), [
    "productId",
  ]);
  deepEqual(primaryKeyOf({ required: ["uuid", "slug"], properties: { slug: {}, uuid: {} } }, "x"), [
    "uuid",
  ]);
});

Deno.test("primaryKeyOf() takes the columns PostgREST marks <pk/>, several for a composite key", () => {
  const pk = "Note:\nThis is a Primary Key.<pk/>";
  deepEqual(
    primaryKeyOf({
      properties: {
        order_id: { type: "integer", description: pk },
        line: { type: "integer", description: pk },
        sku: { type: "string" },
      },
    }, "lines"),
    ["order_id", "line"],
  );
});

Deno.test("primaryKeyOf() ignores an id that is an object or a list", () => {
  equal(
    primaryKeyOf({ required: ["id"], properties: { id: { type: "object", properties: {} } } }, "x"),
    undefined,
  );
});
