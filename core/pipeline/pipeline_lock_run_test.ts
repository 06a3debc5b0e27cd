import { equal, match, ok, rejects } from "node:assert/strict";
import { UserError } from "../errors.ts";
import { memoryLogger } from "../log.ts";
import type { ResourceInfo, Source } from "../source/types.ts";
import type { Destination } from "./destination.ts";
import { pipeline } from "./pipeline.ts";

const ITEMS: ResourceInfo = {
  name: "items",
  tableName: "items",
  writeDisposition: "append",
  primaryKey: [],
  mergeKey: [],
  selected: true,
};

const source: Source = {
  name: "src",
  resources: [ITEMS],
  async *extract() {
    yield { resource: "items", records: [{ id: 1 }] };
  },
};

function fakeDestination(): Destination & { loads: number } {
  const d = {
    type: "fake",
    location: "fake:",
    loads: 0,
    load: () => {
      d.loads++;
      return Promise.resolve();
    },
    close: () => Promise.resolve(),
  };
  return d;
}

Deno.test("a Pipeline holds the lock from prepare() to the end of run(); others fail or wait", async () => {
  const dir = await Deno.makeTempDir({ prefix: "dltx_plock_" });
  try {
    const first = pipeline({
      pipelineName: "p",
      destination: fakeDestination(),
      pipelinesDir: dir,
    });
    await first.prepare();
    const other = fakeDestination();
    const second = pipeline({ pipelineName: "p", destination: other, pipelinesDir: dir });
    await rejects(second.run(source), (err: Error) => {
      ok(err instanceof UserError);
      match(err.message, new RegExp(`^Pipeline "p" is being run by process ${Deno.pid};`));
      return true;
    });
    equal(other.loads, 0);

    const logger = memoryLogger();
    const waiting = pipeline({
      pipelineName: "p",
      destination: other,
      pipelinesDir: dir,
      waitForLock: true,
      logger,
    });
    const run = waiting.run(source);
    await new Promise((r) => setTimeout(r, 150));
    equal(other.loads, 0, "still waiting");
    ok(logger.lines.some((l) => /is being run by process \d+; waiting for it to finish/.test(l)));
    await first.run(source); // runs and releases
    await run;
    equal(other.loads, 1);
    // Released after run(): a plain run goes through.
    await second.run(source);
    equal(other.loads, 2);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
