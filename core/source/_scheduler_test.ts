import { deepStrictEqual, equal, ok, rejects } from "node:assert/strict";
import { Scheduler, type SeriesJob } from "./_scheduler.ts";

/** A job that logs its start and end and waits `ticks` macrotasks in between. */
function job(
  log: string[],
  name: string,
  options: Partial<SeriesJob> & { ticks?: number; body?: SeriesJob["run"] } = {},
): SeriesJob {
  return {
    resource: options.resource ?? name.split("#")[0],
    depth: options.depth ?? 0,
    sequential: options.sequential ?? false,
    run: async (relieve) => {
      log.push(`start ${name}`);
      if (options.body) await options.body(relieve);
      for (let i = 0; i < (options.ticks ?? 1); i++) await new Promise((r) => setTimeout(r, 0));
      log.push(`end ${name}`);
    },
  };
}

Deno.test("Scheduler with one slot runs depth first: a parent's children before its next page", async () => {
  const log: string[] = [];
  const scheduler = new Scheduler(1);
  scheduler.submit(job(log, "parent", {
    body: async (relieve) => {
      for (const page of [1, 2]) {
        log.push(`page ${page}`);
        for (const n of [1, 2]) {
          scheduler.submit(job(log, `child#${page}.${n}`, { resource: "child", depth: 1 }));
        }
        await relieve();
      }
    },
  }));
  scheduler.submit(job(log, "other"));
  await scheduler.done();
  deepStrictEqual(log, [
    "start parent",
    "page 1",
    "start child#1.1",
    "end child#1.1",
    "start child#1.2",
    "end child#1.2",
    "page 2",
    "start child#2.1",
    "end child#2.1",
    "start child#2.2",
    "end child#2.2",
    "end parent",
    "start other",
    "end other",
  ]);
});

Deno.test("Scheduler never runs more than `slots` series and shares slots between resources", async () => {
  const scheduler = new Scheduler(3);
  let running = 0;
  let peak = 0;
  const started: string[] = [];
  const tracked = (name: string, resource: string, depth = 0): SeriesJob => ({
    resource,
    depth,
    sequential: false,
    run: async () => {
      started.push(name);
      peak = Math.max(peak, ++running);
      await new Promise((r) => setTimeout(r, 5));
      running--;
    },
  });
  for (let i = 0; i < 6; i++) scheduler.submit(tracked(`a${i}`, "a", 1));
  scheduler.submit(tracked("b", "b"));
  await scheduler.done();
  equal(peak, 3);
  // a0..a2 took the slots as they came; then `b`, with no series running, goes before a3.
  deepStrictEqual(started.slice(0, 4), ["a0", "a1", "a2", "b"]);
});

Deno.test("Scheduler runs a sequential resource's series one at a time, in order", async () => {
  const log: string[] = [];
  const scheduler = new Scheduler(4);
  for (let i = 0; i < 3; i++) {
    scheduler.submit(job(log, `seq#${i}`, { resource: "seq", sequential: true, depth: 1 }));
  }
  scheduler.submit(job(log, "free", { ticks: 5 }));
  await scheduler.done();
  const seq = log.filter((l) => l.includes("seq"));
  deepStrictEqual(seq, [
    "start seq#0",
    "end seq#0",
    "start seq#1",
    "end seq#1",
    "start seq#2",
    "end seq#2",
  ]);
  ok(log.indexOf("start free") < log.indexOf("end seq#0"), "other resources run alongside");
});

Deno.test("Scheduler lets a parent go on while fewer children than slots wait", async () => {
  const log: string[] = [];
  const scheduler = new Scheduler(4);
  scheduler.submit(job(log, "parent", {
    body: async (relieve) => {
      scheduler.submit(job(log, "child#1", { resource: "child", depth: 1 }));
      await relieve(); // one child waiting, fewer than 4: no stepping aside
      log.push("parent goes on");
    },
  }));
  await scheduler.done();
  ok(log.indexOf("parent goes on") < log.indexOf("end child#1"));
});

Deno.test("Scheduler fails with the first error and starts nothing after it", async () => {
  const log: string[] = [];
  const scheduler = new Scheduler(1);
  scheduler.submit({
    resource: "bad",
    depth: 0,
    sequential: false,
    run: () => Promise.reject(new Error("boom")),
  });
  scheduler.submit(job(log, "later"));
  await rejects(scheduler.done(), /boom/);
  deepStrictEqual(log, []);
  // A parent stepped aside when the run fails is released with the failure.
  const other = new Scheduler(1);
  let relieved: unknown;
  other.submit(job([], "parent", {
    body: async (relieve) => {
      // Two children, one slot: one runs, one waits, so the parent stays aside.
      other.submit(job([], "child#1", { resource: "child", depth: 1, ticks: 50 }));
      other.submit(job([], "child#2", { resource: "child", depth: 1 }));
      relieved = relieve().catch((error) => error);
      other.fail(new Error("stopped"));
      await relieved;
    },
  }));
  await rejects(other.done(), /stopped/);
  equal(String(await relieved), "Error: stopped");
});

Deno.test("Scheduler.done() resolves at once with nothing to run", async () => {
  await new Scheduler(2).done();
});
