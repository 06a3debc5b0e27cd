/**
 * Exactly once across kills, extracting one request at a time (`--concurrency 1`): see
 * `_kill_resume.ts`. `kill_resume_concurrency_test.ts` runs the same with pages in parallel.
 */
import { equal } from "node:assert/strict";
import { killAndResume } from "./_kill_resume.ts";

Deno.test("killing the CLI at any point never loses or duplicates a row", async () => {
  const { peakInFlight } = await killAndResume(["--concurrency", "1"]);
  equal(peakInFlight, 1);
});
