import { deepEqual, equal, ok } from "node:assert/strict";
import {
  hasRiskyNumber,
  isRiskyToken,
  riskyNumberCandidates,
  riskyNumberSpans,
} from "./risky_numbers.ts";
import {
  EDGE_TOKENS,
  isRiskyReference,
  numberTokens,
  prng,
  randomSpec,
  writeSpec,
} from "./_testing.ts";

/** Reference: the risky tokens of a valid text, by the character-by-character lexer. */
function referenceSpans(text: string): number[] {
  return numberTokens(text).filter(([, , token]) => isRiskyReference(token)).flatMap((
    [start, end],
  ) => [start, end]);
}

Deno.test("isRiskyToken() agrees with the BigInt definition on every edge token", () => {
  for (const token of EDGE_TOKENS) equal(isRiskyToken(token), isRiskyReference(token), token);
});

Deno.test("hasRiskyNumber() never misses a risky token (generated texts vs a real lexer)", () => {
  const rand = prng(20240601);
  let risky = 0;
  let falseAlarms = 0;
  for (let n = 0; n < 4000; n++) {
    const text = writeSpec(randomSpec(rand, 4), rand);
    const expected = referenceSpans(text);
    const found = hasRiskyNumber(text);
    if (expected.length > 0) {
      risky++;
      ok(found, `missed a risky token in ${text}`);
    } else if (found) falseAlarms++;
    // The exact list drops look-alikes inside strings: it equals the lexer's list.
    deepEqual(riskyNumberSpans(text), expected, text);
  }
  // The generator must exercise both outcomes, or the test proves nothing.
  ok(risky > 1000 && risky < 3900, `risky texts: ${risky}`);
  ok(falseAlarms < 400, `false alarms: ${falseAlarms}`);
});

Deno.test("hasRiskyNumber() in lines mode never misses a token that starts or ends a line", () => {
  const rand = prng(7);
  for (let n = 0; n < 1500; n++) {
    const lines = Array.from(
      { length: 1 + Math.floor(rand() * 5) },
      () => writeSpec(randomSpec(rand, 2), rand, false),
    );
    const text = lines.join(rand() < 0.5 ? "\n" : "\r\n") + (rand() < 0.5 ? "\n" : "");
    const expected = lines.some((line) => referenceSpans(line).length > 0);
    if (expected) ok(hasRiskyNumber(text, "lines"), `missed a risky token in ${text}`);
  }
  // A whole line that is one big number follows a line that ends in anything.
  ok(hasRiskyNumber('"abc"\n12345678901234567890\ntrue', "lines"));
  ok(hasRiskyNumber("{}\n1.0", "lines"));
});

Deno.test("hasRiskyNumber() ignores number-like text in usual strings", () => {
  const page = JSON.stringify(
    Array.from({ length: 50 }, (_, i) => ({
      id: 1000 + i,
      created_at: "2024-05-01T10:00:00.000Z",
      sha: "a3e4f0c9e1d2b3a4c5d6e7f8091a2b3c4d5e6f70",
      uuid: "550e8400-e29b-41d4-a716-446655440000",
      id_str: "12345678901234567890",
      version: "1.0.0",
      score: 0.05 + i,
      ratio: 12.07,
    })),
  );
  equal(hasRiskyNumber(page), false);
  equal(hasRiskyNumber(page.replace('"id":1000', '"id":9007199254740993')), true);
  equal(hasRiskyNumber(page.replace('"score":0.05', '"score":1.0')), true);
  equal(hasRiskyNumber(page.replace('"score":0.05', '"score":5e2')), true);
  equal(hasRiskyNumber(page.replace('"score":0.05', '"score":0.5e-3')), false);
});

Deno.test("riskyNumberSpans() tells tokens inside strings from real ones", () => {
  const text = '["a,1.0,b", 1.0, "\\",1e3,", 2e3, "\\\\", 3.0]';
  const spans = riskyNumberSpans(text);
  deepEqual(
    spans.reduce<string[]>(
      (out, _, i) => i % 2 ? out : [...out, text.slice(spans[i], spans[i + 1])],
      [],
    ),
    ["1.0", "2e3", "3.0"],
  );
});

Deno.test("riskyNumberCandidates() holds every risky token once, in text order, and string look-alikes", () => {
  const rand = prng(424242);
  let withLookAlikes = 0;
  for (let n = 0; n < 4000; n++) {
    const text = writeSpec(randomSpec(rand, 4), rand);
    const candidates = riskyNumberCandidates(text);
    for (let i = 2; i < candidates.length; i += 2) {
      ok(candidates[i] > candidates[i - 1] - 1 && candidates[i] > candidates[i - 2], text);
    }
    const starts = new Set(candidates.filter((_, i) => i % 2 === 0));
    const spans = referenceSpans(text);
    for (let i = 0; i < spans.length; i += 2) ok(starts.has(spans[i]), `${spans[i]} in ${text}`);
    if (starts.size > spans.length / 2) withLookAlikes++;
  }
  ok(withLookAlikes > 50, `texts with look-alikes in strings: ${withLookAlikes}`);
  // Tokens that the three patterns find out of text order come back sorted, each once.
  const text = "[1.0, 12345678901234567890, 1e5, 2.0e5, 12345678901234567.0]";
  const candidates = riskyNumberCandidates(text);
  deepEqual(
    candidates.reduce<string[]>(
      (out, _, i) => i % 2 ? out : [...out, text.slice(candidates[i], candidates[i + 1])],
      [],
    ),
    ["1.0", "12345678901234567890", "1e5", "2.0e5", "12345678901234567.0"],
  );
});
