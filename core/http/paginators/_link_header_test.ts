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

Deno.test("findLink() keeps ';' and ',' inside quoted parameter values", () => {
  equal(findLink('<u>; title="a;rel=prev"; rel="next"', "next"), "u");
  equal(findLink('<u>; title="a;rel=prev"; rel="next"', "prev"), undefined);
  equal(findLink('</a>; title="x, <y>; rel=next"; rel="last", </b>; rel=next', "next"), "/b");
  // Escaped quotes do not end the quoted string (RFC 8288 B.4).
  equal(findLink('</a>; title="x\\"; rel=next"; rel="last"', "next"), undefined);
  equal(findLink('</a>; title="x\\"; rel=next"; rel="last"', "last"), "/a");
});

Deno.test("findLink() reads several links and takes only the first rel of each", () => {
  const header = '</p1>; rel="prev", </p3>; rel="next", </p1>; rel="first", </p9>; rel="last"';
  equal(findLink(header, "prev"), "/p1");
  equal(findLink(header, "next"), "/p3");
  equal(findLink(header, "first"), "/p1");
  equal(findLink(header, "last"), "/p9");
  // RFC 8288 §3.3: occurrences after the first rel are ignored.
  equal(findLink('</a>; rel="prev"; rel="next"', "next"), undefined);
  equal(findLink('</a>; rel="prev"; rel="next"', "prev"), "/a");
});

Deno.test("findLink() tolerates odd spacing and case", () => {
  const header = '  </a> ;REL = "Prev" ,   </b>;  rel =NEXT  ,</c>;rel="LAST";type="text/html"';
  equal(findLink(header, "prev"), "/a");
  equal(findLink(header, "next"), "/b");
  equal(findLink(header, "Last"), "/c");
  equal(findLink("\t< /spaced >\t;\trel=next", "next"), "/spaced");
  equal(findLink('</a>; rel="  next   last "', "last"), "/a");
});

Deno.test("findLink() skips malformed links and keeps the well-formed ones", () => {
  equal(findLink("</a>; rel=prev, garbage, </b>; rel=next", "next"), "/b");
  equal(findLink('</a> junk; rel=prev, </b>; rel="next"', "prev"), undefined);
  equal(findLink('</a> junk; rel=prev, </b>; rel="next"', "next"), "/b");
  equal(findLink("</a; rel=next", "next"), undefined);
  equal(findLink('</a>; rel="next', "next"), "/a");
  equal(findLink("</a>; rel, </b>; rel=next", "next"), "/b");
});
