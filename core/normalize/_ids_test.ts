import { equal, match, notEqual } from "node:assert/strict";
import { createHash } from "node:crypto";
import { childRowId, digestRowId, newRowId } from "./_ids.ts";

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

Deno.test("childRowId() is dlt's digest128 of parent id, table and index", () => {
  // From dlt 1.26.0's own output (../shared/dlt_samples/continue_from_dlt, orders__items).
  equal(childRowId("23UTB4BtLCDweQ", "orders__items", 0), "Aoh4HMk9xZwZuQ");
  equal(childRowId("23UTB4BtLCDweQ", "orders__items", 1), "lR1zJW62sdJ2IQ");
  equal(childRowId("xZ3XREArUKFqBg", "orders__items", 0), "yDM5ynHmnTMiag");
});

Deno.test("digestRowId() equals node:crypto's SHAKE128 for any length and any text", () => {
  const texts = ["", "a", "ü", "é".repeat(90), "x".repeat(167), "x".repeat(168), "y".repeat(169)];
  texts.push("z".repeat(400), "𝄞 mixed ascii and ✓", "a".repeat(166) + "ü", "_".repeat(335));
  for (let i = 0; i < 200; i++) {
    texts.push(
      Array.from({ length: i * 3 }, (_, j) => String.fromCharCode(32 + (i * j) % 500)).join(""),
    );
  }
  for (const text of texts) {
    const expected = createHash("shake128", { outputLength: 10 }).update(text, "utf8")
      .digest("base64").replace(/=+$/, "");
    equal(digestRowId(text), expected, JSON.stringify(text));
  }
});
