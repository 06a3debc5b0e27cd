import { deepStrictEqual, equal, ok, rejects } from "node:assert/strict";
import type { DltxEvent } from "../events.ts";
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

function fakeSource(pages: unknown[][], fail = false): Source {
  return {
    name: "src",
    resources: [ITEMS],
    async *extract() {
      for (const records of pages) yield { resource: "items", records };
      if (fail) throw new Error("boom");
    },
  };
}

const destination: Destination = {
  type: "fake",
  location: "fake:",
  load: () => Promise.resolve(),
  close: () => Promise.resolve(),
};

async function withPipeline(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "dltx_events_" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("run() emits stages, new tables and columns after each page, and load_done", async () => {
  await withPipeline(async (dir) => {
    const events: DltxEvent[] = [];
    const p = pipeline({
      pipelineName: "p",
      destination,
      pipelinesDir: dir,
      onEvent: (event) => events.push(event),
    });
    const info = await p.run(fakeSource([[{ id: 1 }, { id: 2 }], [{ id: 3 }], [{
      id: 4,
      tags: [{ name: "x" }],
    }]]));
    const shapes = events.map((e) => {
      if (e.type === "stage") return `${e.stage} ${e.status}`;
      if (e.type === "schema_change") return `${e.table}${e.column ? `.${e.column}` : ""}`;
      return e.type;
    });
    deepStrictEqual(shapes, [
      "extract start",
      // first page: the table, its data column, then the system columns
      "items",
      "items.id",
      "items._dlt_load_id",
      "items._dlt_id",
      // the second page added nothing; the third a child table
      "items__tags",
      "items__tags.name",
      "items__tags._dlt_parent_id",
      "items__tags._dlt_list_idx",
      "items__tags._dlt_id",
      "extract end",
      "load start",
      "load end",
      "load_done",
    ]);
    deepStrictEqual(events[2], {
      type: "schema_change",
      table: "items",
      column: "id",
      dataType: "bigint",
      resource: "items",
    });
    const done = events.at(-1)!;
    ok(done.type === "load_done");
    equal(done.loadId, info.packages[0].loadId);
    deepStrictEqual(done.rows, { items: 4, items__tags: 1 });
    ok(done.seconds >= 0);
    for (const e of events) if (e.type === "stage" && e.status === "end") ok(e.seconds! >= 0);
  });
});

Deno.test("run() emits no load stage nor load_done when extraction fails", async () => {
  await withPipeline(async (dir) => {
    const events: DltxEvent[] = [];
    const p = pipeline({
      pipelineName: "p",
      destination,
      pipelinesDir: dir,
      onEvent: (event) => events.push(event),
    });
    await rejects(p.run(fakeSource([[{ id: 1 }]], true)), /boom/);
    deepStrictEqual(
      events.filter((e) => e.type !== "schema_change").map((e) => e.type === "stage" && e.status),
      ["start"],
    );
  });
});
