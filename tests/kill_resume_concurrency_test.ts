/**
 * Exactly once across kills with concurrent extraction (the default concurrency, 8): the
 * page_number endpoint with a total is fetched several pages at a time while the CLI is killed
 * at 26 points (see `_kill_resume.ts`).
 */
import { ok } from "node:assert/strict";
import { killAndResume } from "./_kill_resume.ts";

Deno.test("killing the CLI during concurrent extraction never loses or duplicates a row", async () => {
  const { peakInFlight } = await killAndResume([]);
  ok(peakInFlight > 1, "pages were fetched in parallel");
});
