import { equal } from "node:assert/strict";
import { digest128, sortedJson } from "./_dedup_hash.ts";

// Expected values computed with dlt's own recipe in Python:
// base64(hashlib.shake_128(orjson.dumps(value, OPT_SORT_KEYS)).digest(15))
Deno.test("digest128() matches dlt's digest128 of a primary key value", () => {
  equal(digest128(sortedJson(5)), "tIXXf9wiHssyAgHEzQnu");
  equal(digest128(sortedJson([1, "x"])), "T2u7rnGEfmXm0tVkRBws");
});

Deno.test("sortedJson() sorts keys at every level and writes compact JSON", () => {
  const record = { id: 1, b: { z: 1, a: [1, "é"] }, gone: undefined };
  equal(sortedJson(record), '{"b":{"a":[1,"é"],"z":1},"id":1}');
  equal(digest128(sortedJson(record)), "RcpTDCDGc8WGiEUmUgoy");
  equal(sortedJson([undefined, null, "a\nb"]), '[null,null,"a\\nb"]');
});
