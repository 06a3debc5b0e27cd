import { equal } from "node:assert/strict";
import { parseJson } from "../json/mod.ts";
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

// Python: base64(hashlib.shake_128(b'9007199254740993').digest(15)) and likewise; orjson
// writes these bytes for the values Python's json reads from the same text.
Deno.test("sortedJson() hashes exact integers and whole floats as dlt does", () => {
  equal(digest128(sortedJson(parseJson("9007199254740993"))), "3IeO4/6Osav/LzSUEk45");
  const record = parseJson('{"id": 12345678901234567890, "a": 1.0}');
  equal(sortedJson(record), '{"a":1.0,"id":12345678901234567890}');
  equal(digest128(sortedJson(record)), "9KC4U0sy5C8gWJ1wXA4L");
  equal(digest128(sortedJson(parseJson("[1.0, 2]"))), "TRghVNqFUP4INgbxiO7T");
  // Rounded, two ids would share a hash; exact, they do not.
  const a = digest128(sortedJson(parseJson("9007199254740993")));
  const b = digest128(sortedJson(parseJson("9007199254740992")));
  equal(a === b, false);
});

Deno.test("digest128() gives the unique_hashes dlt 1.26 stored for the sample's orders", () => {
  // ../shared/dlt_samples/continue_from_dlt: the order at the boundary after each run.
  equal(digest128(sortedJson(12)), "ymF2Dkkk4Px5pQY3L3lT");
  equal(digest128(sortedJson(16)), "rZs5uvDhDPPoFlZNVQVE");
});
