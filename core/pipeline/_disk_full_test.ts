import { equal, match, ok } from "node:assert/strict";
import { UserError } from "../errors.ts";
import { loadedDiskFull, notLoadedDiskFull } from "./_disk_full.ts";

const enospc = Object.assign(new Error("No space left on device (os error 28)"), {
  code: "ENOSPC",
});
const where = { pipelineName: "p", folder: "/pipes/p" };

Deno.test("notLoadedDiskFull() names the working folder; other errors pass as they are", () => {
  const err = notLoadedDiskFull(enospc, where);
  ok(err instanceof UserError);
  equal((err as Error).cause, enospc);
  match(
    (err as Error).message,
    /^No space left on device in \/pipes\/p, the working folder of pipeline "p": nothing was loaded\./,
  );
  const other = new Error("boom");
  equal(notLoadedDiskFull(other, where), other);
  // The destination's own errors already name where it writes (a DuckDB file on a full disk).
  const fromDestination = new UserError("Cannot load package 1 into duckdb:/x: No space left");
  equal(notLoadedDiskFull(fromDestination, where), fromDestination);
});

Deno.test("loadedDiskFull() says the load is done and the next run finishes it", () => {
  const err = loadedDiskFull(enospc, { ...where, loadId: "1.2", location: "duckdb:/x.duckdb" });
  ok(err instanceof UserError);
  match(
    (err as Error).message,
    /^Load package 1\.2 is loaded into duckdb:\/x\.duckdb, but the local bookkeeping in \/pipes\/p failed: no space left on device\. The load is done/,
  );
  const other = new Error("boom");
  equal(loadedDiskFull(other, { ...where, loadId: "1", location: "x" }), other);
});
