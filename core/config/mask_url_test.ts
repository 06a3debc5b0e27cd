import { equal } from "node:assert/strict";
import { maskUrl, SENSITIVE_QUERY_PARAMS } from "./mask_url.ts";

Deno.test("maskUrl() masks every sensitive query param, case-insensitively", () => {
  for (const name of SENSITIVE_QUERY_PARAMS) {
    equal(
      maskUrl(`https://h/p?${name.toUpperCase()}=v1&page=2`),
      `https://h/p?${name.toUpperCase()}=***&page=2`,
    );
  }
  equal(
    maskUrl("https://h/p?a=1&api_key=k1&Token=t&b=x%20y#frag"),
    "https://h/p?a=1&api_key=***&Token=***&b=x%20y#frag",
  );
});

Deno.test("maskUrl() keeps other params, encodings and fragments untouched", () => {
  equal(
    maskUrl("https://h/p?q=a+b&keys=1&monkey=2&flag"),
    "https://h/p?q=a+b&keys=1&monkey=2&flag",
  );
  equal(maskUrl("https://h/p#api_key=x"), "https://h/p#api_key=x");
  equal(maskUrl("/relative?password=x"), "/relative?password=***");
});

Deno.test("maskUrl() decodes param names before comparing", () => {
  equal(maskUrl("https://h/?api%5Fkey=x"), "https://h/?api%5Fkey=***");
});

Deno.test("maskUrl() masks the password of a user:password@ part", () => {
  equal(
    maskUrl("postgres://loader:s3cret@db:5432/x?pwd=1"),
    "postgres://loader:***@db:5432/x?pwd=***",
  );
  equal(maskUrl("https://user@h/p"), "https://user@h/p");
});

Deno.test("maskUrl() accepts URL objects", () => {
  equal(maskUrl(new URL("https://h/p?access_token=abc")), "https://h/p?access_token=***");
});
