import { equal, ok } from "node:assert/strict";
import { EMPTY_IDENTIFIER, normalizePath, shortenIdentifier, snakeCase } from "./naming.ts";

// Expected values come from dlt's snake_case regexes run in Python (see naming.ts).
const SNAKE_CASES: [string, string][] = [
  ["1st place", "_1st_place"],
  ["name_", "namex"],
  ["HTTPResponseCode", "http_response_code"],
  ["getHTTPResponseCode", "get_http_response_code"],
  ["get2HTTPResponseCode", "get2_http_response_code"],
  ["HTTPResponseCodeXYZ", "http_response_code_xyz"],
  ["XMLHttpRequest", "xml_http_request"],
  ["user-name", "user_name"],
  ["userId", "user_id"],
  ["userID", "user_id"],
  ["iD", "i_d"],
  ["iPhone", "i_phone"],
  ["ABCdef", "ab_cdef"],
  ["Camel2Camel2Case", "camel2_camel2_case"],
  ["camelCaseString", "camel_case_string"],
  ["CamelCase_", "camel_casex"],
  ["a__b", "a_b"],
  ["a___b", "a_b"],
  ["a-_-b", "a_b"],
  ["__init__", "_initxx"],
  ["_private", "_private"],
  ["_", "x"],
  ["__", "xx"],
  ["x__", "xxx"],
  ["a+b", "axb"],
  ["a*b", "axb"],
  ["++", "xx"],
  ["e@mail", "eamail"],
  ["pipe|d", "pipeld"],
  ["-leading", "_leading"],
  ["trailing-", "trailingx"],
  ["123", "_123"],
  ["_1", "_1"],
  ["100%", "_100x"],
  ["$dollar", "_dollar"],
  ["a.b.c", "a_b_c"],
  ["data.items[0]", "data_items_0x"],
  ["O'Reilly", "o_reilly"],
  ["x:y", "x_y"],
  ["with space", "with_space"],
  ["tab\tkey", "tab_key"],
  ["  Trim me  ", "trim_me"],
  ["  leading and trailing_  ", "leading_and_trailingx"],
  ["émoji 😀", "_mojix"],
  ["Ünïcödé", "_n_c_dx"],
  ["日本語", "x"],
  // Python's `\d` is Unicode-aware: other scripts' digits are kept.
  ["٣abc", "_٣abc"],
  ["snake_case", "snake_case"],
  ["already_snake_1", "already_snake_1"],
  ["_dlt_id", "_dlt_id"],
  ["value", "value"],
];

Deno.test("snakeCase() matches dlt's snake_case naming convention", () => {
  for (const [input, expected] of SNAKE_CASES) {
    equal(snakeCase(input), expected, `snakeCase(${JSON.stringify(input)})`);
  }
});

Deno.test("snakeCase() maps empty and blank identifiers to _empty", () => {
  equal(snakeCase(""), EMPTY_IDENTIFIER);
  equal(snakeCase("   "), "_empty");
});

Deno.test("snakeCase() returns the same result from its cache", () => {
  equal(snakeCase("cachedKeyName"), "cached_key_name");
  equal(snakeCase("cachedKeyName"), "cached_key_name");
});

Deno.test("normalizePath() keeps __ between normalized parts", () => {
  equal(normalizePath("a__b"), "a__b");
  equal(normalizePath("a___b"), "a___b");
  equal(normalizePath("a____b"), "a__b");
  equal(normalizePath("Parent__childId"), "parent__child_id");
  equal(normalizePath("aB__cD"), "a_b__c_d");
  equal(normalizePath("__a__b__"), "a__b");
  equal(normalizePath("__init__"), "init");
  equal(normalizePath("name__"), "name");
  equal(normalizePath("userId"), "user_id");
});

Deno.test("normalizePath() maps a name without parts to _empty", () => {
  equal(normalizePath("__"), "_empty");
  equal(normalizePath(" __ "), "_empty");
});

Deno.test("shortenIdentifier() cuts the middle and inserts dlt's tag", () => {
  const long = "a_very_long_identifier_name_that_goes_on_and_on_and_on_beyond_limits";
  const short = shortenIdentifier(long, long, 30);
  equal(short.length, 30);
  ok(short.startsWith(long.slice(0, 12)));
  ok(short.endsWith(long.slice(-12)));
  // Tag: shake128(original, 4 bytes), base64 without padding, `/`->a, `+`->b, lower case.
  equal(shortenIdentifier("abcdefghij", "abc", 8), "awiejlqj");
  equal(shortenIdentifier(long, long, 100), long);
  equal(shortenIdentifier(long, long, 0), long);
});
