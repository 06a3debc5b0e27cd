import { deepEqual, equal } from "node:assert/strict";
import { join } from "node:path";
import { memoryLogger } from "../log.ts";
import { listPackages, LoadPackage } from "../package/mod.ts";
import { newSchema } from "../schema/mod.ts";
import type { Destination, LoadRequest } from "./destination.ts";
import { sealPackage } from "./_package_load.ts";
import { resumePending } from "./_resume.ts";
import { newPipelineState } from "./state.ts";
import { WorkingDir } from "./working_dir.ts";

function recordingDestination(): Destination & { loads: LoadRequest[]; discarded: string[] } {
  const loads: LoadRequest[] = [];
  const discarded: string[] = [];
  return {
    type: "fake",
    location: "fake:",
    loads,
    discarded,
    load(request) {
      loads.push(request);
      return Promise.resolve();
    },
    discardLoad(datasetName, loadId) {
      discarded.push(`${datasetName}/${loadId}`);
      return Promise.resolve();
    },
    close: () => Promise.resolve(),
  };
}

Deno.test("resumePending() discards unfinished packages and loads normalized ones", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const wd = new WorkingDir(dir, "p");
    await wd.ensure();
    // An extraction that was killed: state new, a job file half written.
    const killed = await LoadPackage.create(wd.loadDir, "1700000000.000001");
    await Deno.writeTextFile(join(killed.dir, "new_jobs", "items.aaaaaaaaaa.0.jsonl"), '{"id":');
    // A package that was sealed, with one job streamed (started) and one not.
    const sealed = await LoadPackage.create(wd.loadDir, "1700000001.000001");
    await Deno.writeTextFile(join(sealed.dir, "started_jobs", "items.bbbbbbbbbb.0.jsonl"), "{}\n");
    await Deno.writeTextFile(join(sealed.dir, "new_jobs", "items.cccccccccc.0.jsonl"), "{}\n");
    const state = newPipelineState("p", "p_dataset");
    state.sources.src = { cursor: 42 };
    await sealPackage(sealed, newSchema("src"), {
      dataset_name: "p_dataset",
      pipeline_state: state,
      replace_tables: [],
    });

    const destination = recordingDestination();
    const logger = memoryLogger();
    const loaded = await resumePending({
      workingDir: wd,
      destination,
      datasetName: "p_dataset",
      keepCompletedJobs: false,
      logger,
    });

    deepEqual(loaded, ["1700000001.000001"]);
    equal(destination.loads.length, 1);
    deepEqual(destination.loads[0].jobs.map((j) => j.path.split("/").slice(-2).join("/")), [
      "started_jobs/items.bbbbbbbbbb.0.jsonl",
      "started_jobs/items.cccccccccc.0.jsonl",
    ]);
    deepEqual((await wd.readState())?.sources, { src: { cursor: 42 } });
    deepEqual(
      (await listPackages(wd.loadDir)).map((p) => [p.loadId, p.state]),
      [["1700000001.000001", "loaded"]],
    );
    equal(logger.lines.some((l) => l.includes("Discarding load package 1700000000.000001")), true);
    // The destination removes what the killed run's load left (the filesystem's staged files).
    deepEqual(destination.discarded, ["p_dataset/1700000000.000001"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
