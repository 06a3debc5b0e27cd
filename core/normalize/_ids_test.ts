import { equal, match, notEqual } from "node:assert/strict";
import { childRowId, newRowId } from "./_ids.ts";

const ID = /^[A-Za-z0-9+/]{14}$/;

Deno.test("newRowId() returns distinct 10-byte base64 ids", () => {
  const ids = new Set<string>();
  // More than one refill of the random pool.
  for (let i = 0; i < 10_000; i++) {
    const id = newRowId();
    match(id, ID);
    ids.add(id);
  }
  equal(ids.size, 10_000);
});

Deno.test("childRowId() is deterministic in parent, table and index", () => {
  const a = childRowId("parentAAAAAAAA", "issues__labels", 0);
  match(a, ID);
  equal(childRowId("parentAAAAAAAA", "issues__labels", 0), a);
  // Interleaved calls must not leak the cached prefix of another list.
  childRowId("parentBBBBBBBB", "issues__labels", 0);
  equal(childRowId("parentAAAAAAAA", "issues__labels", 0), a);
  notEqual(childRowId("parentAAAAAAAA", "issues__labels", 1), a);
  notEqual(childRowId("parentBBBBBBBB", "issues__labels", 0), a);
  notEqual(childRowId("parentAAAAAAAA", "issues__assignees", 0), a);
  notEqual(childRowId("parentAAAAAAAA", "issues__labels", 65536), a);
});

Deno.test("childRowId() does not collide over many parents and indexes", () => {
  const ids = new Set<string>();
  for (let p = 0; p < 500; p++) {
    const parent = newRowId();
    for (let i = 0; i < 200; i++) ids.add(childRowId(parent, "t__items", i));
  }
  equal(ids.size, 100_000);
});
