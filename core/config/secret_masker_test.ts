import { equal } from "node:assert/strict";
import { SecretMasker } from "./secret_masker.ts";

Deno.test("SecretMasker.mask() replaces every occurrence, longest secret first", () => {
  const masker = new SecretMasker();
  masker.add("abcd");
  masker.add("abcdefgh");
  equal(masker.mask("abcdefgh and abcd and abcdefgh"), "*** and *** and ***");
});

Deno.test("SecretMasker.mask() escapes regexp characters in secrets", () => {
  const masker = new SecretMasker();
  masker.add("a.b*c$(d)[e]/f-g\\h");
  equal(masker.mask("x a.b*c$(d)[e]/f-g\\h y axbbc"), "x *** y axbbc");
});

Deno.test("SecretMasker.add() ignores empty and non-secret values", () => {
  const masker = new SecretMasker();
  masker.add("");
  masker.add(undefined);
  masker.add(null);
  masker.add(true);
  equal(masker.size, 0);
  equal(masker.mask("nothing to hide"), "nothing to hide");
});

Deno.test("SecretMasker.add() takes numbers and the string leaves of tables", () => {
  const masker = new SecretMasker();
  masker.add(123456);
  masker.add({ username: "loader", password: "pw-xyz", port: 5432, nested: ["tok-1"] });
  equal(
    masker.mask("123456 loader pw-xyz 5432 tok-1"),
    "*** *** *** 5432 ***",
  );
});

Deno.test("SecretMasker.mask() also masks the URL-encoded form of a secret", () => {
  const masker = new SecretMasker();
  masker.add("a b+c/d");
  equal(masker.mask("?key=a%20b%2Bc%2Fd and a b+c/d"), "?key=*** and ***");
});

Deno.test("SecretMasker.mask() masks every spelling: form, JSON, encodeURI", () => {
  const masker = new SecretMasker();
  const secret = 'SPECIAL secret!~(x) "é"';
  masker.add(secret);
  const url = new URL("https://api.test/x");
  url.searchParams.set("k", secret);
  const texts = [
    url.href,
    JSON.stringify({ echoed: secret }),
    JSON.stringify({ url: url.href }),
    `path ${encodeURI(secret)}`,
    String.raw`python "SPECIAL secret!~(x) \"\u00e9\""`,
  ];
  for (const text of texts) {
    const masked = masker.mask(text);
    equal(masked.includes("***"), true, masked);
    equal(/SPECIAL|secret|%7E/.test(masked), false, masked);
  }
});

Deno.test("SecretMasker ignores values shorter than 4 characters", () => {
  const masker = new SecretMasker();
  masker.add("abc");
  masker.add(42);
  equal(masker.size, 0);
  equal(masker.mask("abc 42"), "abc 42");
});

Deno.test("SecretMasker masks secrets added after a first mask() call", () => {
  const masker = new SecretMasker();
  masker.add("first");
  equal(masker.mask("first second"), "*** second");
  masker.add("second");
  equal(masker.mask("first second"), "*** ***");
});
