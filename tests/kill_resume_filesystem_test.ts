/**
 * Exactly once across kills into the filesystem destination, whose data files are converted
 * while the run extracts (under hidden names, published at commit): see `_kill_resume.ts`.
 */
import { killAndResume } from "./_kill_resume.ts";

Deno.test("killing a run into Parquet files at any point never loses or duplicates a row", async () => {
  await killAndResume([], "filesystem");
});
