/**
 * JSON with exact numbers: parsing that keeps integers past 2^53 as `bigint`s and knows `1.0`
 * from `1` (as Python's `json` does), and stringifying that writes them back exactly. Every
 * path that reads data or state uses these instead of `JSON.parse` / `JSON.stringify`.
 *
 * @module
 */

export { floatText } from "./float_text.ts";
export { isFloatToken, type Marked, NUMBER_MARKS } from "./number_marks.ts";
export { parseJson, parseJsonExact, parseQuotedLine, quoteRiskyLines } from "./parse_json.ts";
export { rawNumber, stringifyJson, withRawNumbers } from "./stringify_json.ts";
export { hasRiskyNumber, riskyNumberSpans, type TextKind } from "./risky_numbers.ts";
export { sortedJson } from "./sorted_json.ts";
