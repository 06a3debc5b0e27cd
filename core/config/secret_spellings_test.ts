import { deepStrictEqual, equal, ok } from "node:assert/strict";
import { MIN_SECRET_LENGTH, secretSpellings } from "./secret_spellings.ts";

const SECRET = "SPECIAL secret!~(x)";

Deno.test("secretSpellings() has the value, encodeURIComponent and URLSearchParams' form", () => {
  const spellings = secretSpellings(SECRET);
  equal(spellings[0], SECRET);
  ok(spellings.includes(encodeURIComponent(SECRET)));
  // What URLSearchParams (and so api_key query auth and OAuth token forms) actually sends.
  const form = new URLSearchParams({ k: SECRET }).toString().slice(2);
  equal(form, "SPECIAL+secret%21%7E%28x%29");
  ok(spellings.includes(form));
  const url = new URL("https://api.test/x");
  url.searchParams.set("api_key", SECRET);
  ok(spellings.some((s) => url.href.endsWith(`api_key=${s}`)));
});

Deno.test("secretSpellings() covers encodeURI and the URL parser's path and query forms", () => {
  const secret = "pa|th^'sec ret[1]é\\x";
  const spellings = secretSpellings(secret);
  ok(spellings.includes(encodeURI(secret)));
  const inPath = new URL(`https://api.test/bot${secret}/items`).pathname;
  ok(spellings.some((s) => inPath === `/bot${s}/items`), inPath);
  const inQuery = new URL(`https://api.test/x?key=${secret}`).search;
  ok(spellings.some((s) => inQuery === `?key=${s}`), inQuery);
});

Deno.test("secretSpellings() covers JSON escapes: JSON.stringify, \\u escapes and \\/", () => {
  const secret = 'q"uo\\te/é\n\u0001';
  const spellings = secretSpellings(secret);
  ok(spellings.includes(JSON.stringify(secret).slice(1, -1)));
  ok(spellings.includes('q\\"uo\\\\te/\\u00e9\\n\\u0001'), "Python json.dumps");
  ok(spellings.includes('q\\"uo\\\\te\\/é\\n\\u0001'), "PHP json_encode");
  // A form-encoded secret quoted in JSON is the form itself: no duplicates.
  equal(new Set(spellings).size, spellings.length);
});

Deno.test("secretSpellings() skips secrets shorter than MIN_SECRET_LENGTH, in every spelling", () => {
  equal(MIN_SECRET_LENGTH, 4);
  deepStrictEqual(secretSpellings("é é"), []);
  deepStrictEqual(secretSpellings(""), []);
  ok(secretSpellings("abcd").includes("abcd"));
});

Deno.test("secretSpellings() survives a lone surrogate (no URL spelling exists)", () => {
  const secret = "ab\ud800cd";
  const spellings = secretSpellings(secret);
  ok(spellings.includes(secret));
  ok(spellings.includes("ab\\ud800cd"));
});
