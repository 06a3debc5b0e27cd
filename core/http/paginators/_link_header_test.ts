import { equal } from "node:assert/strict";
import { findLink } from "./_link_header.ts";

Deno.test("findLink() finds rel=next among several links", () => {
  const header =
    '<https://api.github.com/repos/x/y/issues?page=2>; rel="next", <https://api.github.com/repos/x/y/issues?page=9>; rel="last"';
  equal(findLink(header, "next"), "https://api.github.com/repos/x/y/issues?page=2");
  equal(findLink(header, "last"), "https://api.github.com/repos/x/y/issues?page=9");
  equal(findLink(header, "prev"), undefined);
});

Deno.test("findLink() handles unquoted, multi-valued and upper-case rels", () => {
  equal(findLink("</p2>; rel=next", "next"), "/p2");
  equal(findLink('</p2>; title="a, b"; rel="next last"', "last"), "/p2");
  equal(findLink('</p2>; REL="Next"', "next"), "/p2");
});

Deno.test("findLink() tolerates commas inside URLs and empty headers", () => {
  equal(findLink('<https://x.test/?ids=1,2>; rel="next"', "next"), "https://x.test/?ids=1,2");
  equal(findLink(null, "next"), undefined);
  equal(findLink("", "next"), undefined);
  equal(findLink("garbage", "next"), undefined);
});
