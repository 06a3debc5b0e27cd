import { deepStrictEqual, equal, throws } from "node:assert/strict";
import { DataError } from "../errors.ts";
import { bodyExcerpt, matchResponseAction, parseJsonBody } from "./_response.ts";

const id = (t: string) => t;

Deno.test("parseJsonBody() parses JSON and treats empty bodies as undefined", () => {
  deepStrictEqual(parseJsonBody(' {"a":1}', 200, "application/json", "GET u", id), { a: 1 });
  equal(parseJsonBody("", 200, null, "GET u", id), undefined);
  equal(parseJsonBody("  \n", 200, null, "GET u", id), undefined);
  equal(parseJsonBody("{}", 204, null, "GET u", id), undefined);
});

Deno.test("parseJsonBody() accepts JSON mislabelled as text/html", () => {
  deepStrictEqual(parseJsonBody("[1]", 200, "text/html; charset=utf-8", "GET u", id), [1]);
});

Deno.test("parseJsonBody() rejects HTML with a hint", () => {
  throws(
    () =>
      parseJsonBody("<!doctype html><p>hi", 200, "text/html; charset=utf-8", "GET http://x/", id),
    {
      name: "DataError",
      message:
        "Response of GET http://x/ is HTML, not JSON (content-type text/html) — check base_url and path",
    },
  );
});

Deno.test("parseJsonBody() names the parse error and shows the start of the body", () => {
  throws(
    () => parseJsonBody("nope " + "x".repeat(200), 200, "application/json", "GET http://x/", id),
    (e) => {
      equal(e instanceof DataError, true);
      const message = (e as Error).message;
      equal(message.startsWith("Response of GET http://x/ is not valid JSON ("), true);
      equal(message.endsWith("): nope " + "x".repeat(95)), true);
      return true;
    },
  );
});

Deno.test("bodyExcerpt() collapses whitespace, cuts long bodies and uses an HTML title", () => {
  equal(bodyExcerpt('{\n  "message": "Not Found"\n}'), '{ "message": "Not Found" }');
  equal(bodyExcerpt("x".repeat(500))?.length, 200);
  equal(
    bodyExcerpt("<html><title>Bad gateway</title><body>...</body></html>"),
    'HTML page "Bad gateway"',
  );
  equal(bodyExcerpt("<html><body>no title</body></html>"), undefined);
  equal(bodyExcerpt(""), undefined);
});

Deno.test("matchResponseAction() matches status, content, or both", () => {
  const actions = [
    { status_code: 404, content: "gone", action: "ignore" as const },
    { status_code: 403, action: "ignore" as const },
    { content: "no data", action: "ignore" as const },
  ];
  equal(matchResponseAction(actions, 404, "it is gone"), actions[0]);
  equal(matchResponseAction(actions, 404, "missing"), undefined);
  equal(matchResponseAction(actions, 403, ""), actions[1]);
  equal(matchResponseAction(actions, 200, '{"error":"no data"}'), actions[2]);
  equal(matchResponseAction([{ action: "ignore" }], 200, "x"), undefined);
});
