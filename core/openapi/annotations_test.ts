import { deepEqual } from "node:assert/strict";
import { Annotations, wrapLines } from "./annotations.ts";

Deno.test("wrapLines() breaks at spaces, keeping each line's indentation and long words whole", () => {
  deepEqual(wrapLines(["one two three four", "  five six seven"], 9), [
    "one two",
    "three",
    "four",
    "  five",
    "  six",
    "  seven",
  ]);
  deepEqual(wrapLines(["https://example.com/a/long/url fits"], 10), [
    "https://example.com/a/long/url",
    "fits",
  ]);
});

Deno.test("Annotations collects lines before and after paths, in order", () => {
  const notes = new Annotations();
  notes.before(["resources", 0], ["a"]);
  notes.before(["resources", 0], ["b", { snippet: { x: 1 } }]);
  notes.after([], ["end"]);
  notes.before(["config"], []);
  deepEqual(notes.beforeOf(["resources", 0]), ["a", "b", { snippet: { x: 1 } }]);
  deepEqual(notes.afterOf([]), ["end"]);
  deepEqual(notes.paths(), { before: [["resources", 0]], after: [[]] });
});
