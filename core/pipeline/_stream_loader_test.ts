import { deepStrictEqual, equal, rejects } from "node:assert/strict";
import { newSchema } from "../schema/mod.ts";
import type { Schema, Table } from "../schema/types.ts";
import type { Destination, LoadSession } from "./destination.ts";
import { StreamLoader } from "./_stream_loader.ts";

/** A destination that records what the stream loader asks of it. */
function recordingDestination(options: { beginsEarly?: boolean; failBegin?: boolean } = {}) {
  const calls: string[] = [];
  const session: LoadSession = {
    addJobs: (jobs) => {
      calls.push(`addJobs ${jobs.map((j) => j.table).join(",")}`);
      return Promise.resolve();
    },
    commit: () => Promise.resolve(),
    rollback: () => {
      calls.push("rollback");
      return Promise.resolve();
    },
  };
  const destination: Destination = {
    type: "test",
    location: "test:",
    load: () => Promise.resolve(),
    begin: () => {
      calls.push("begin");
      return options.failBegin
        ? Promise.reject(new Error("the database is locked"))
        : Promise.resolve(session);
    },
    close: () => Promise.resolve(),
    warmUp: () => void calls.push("warmUp"),
  };
  if (options.beginsEarly !== undefined) {
    destination.beginsEarly = () => Promise.resolve(options.beginsEarly!);
  }
  return { destination, calls };
}

function schemaWith(tables: Record<string, Partial<Table>>): Schema {
  const schema = newSchema("s");
  for (const [name, table] of Object.entries(tables)) {
    schema.tables[name] = { name, columns: {}, ...table } as Table;
  }
  return schema;
}

const SCHEMA = schemaWith({
  a: { write_disposition: "append" },
  b: { write_disposition: "append" },
  c: { write_disposition: "append" },
  r: { write_disposition: "replace" },
});

function loader(destination: Destination) {
  return new StreamLoader(destination, { datasetName: "d", loadId: "1", schema: SCHEMA });
}

Deno.test("StreamLoader hands files that finished together to the session in one batch", async () => {
  const { destination, calls } = recordingDestination();
  const stream = loader(destination);
  stream.add({ table: "a", path: "/a.1" });
  stream.add({ table: "r", path: "/r.1" }); // replace: loaded at commit only
  stream.add({ table: "b", path: "/b.1" });
  stream.add({ table: "c", path: "/c.1" });
  await stream.drain();
  deepStrictEqual(calls, ["begin", "addJobs a,b,c"]);
  stream.add({ table: "a", path: "/a.2" });
  await stream.drain();
  deepStrictEqual(calls, ["begin", "addJobs a,b,c", "addJobs a"]);
});

Deno.test("StreamLoader.warmUp begins the session early only when the destination says so", async () => {
  for (const beginsEarly of [true, false, undefined]) {
    const { destination, calls } = recordingDestination({ beginsEarly });
    const stream = loader(destination);
    stream.warmUp();
    stream.warmUp(); // once
    const session = await stream.drain();
    equal(session !== undefined, beginsEarly === true, `beginsEarly ${beginsEarly}`);
    deepStrictEqual(calls, beginsEarly ? ["warmUp", "begin"] : ["warmUp"]);
  }
});

Deno.test("StreamLoader: a session that fails to begin early fails the extraction, and a stopped one begins nothing", async () => {
  const failing = recordingDestination({ beginsEarly: true, failBegin: true });
  const stream = loader(failing.destination);
  stream.warmUp();
  await rejects(stream.drain(), /the database is locked/);
  await rejects(Promise.resolve().then(() => stream.check()), /the database is locked/);

  const stopped = recordingDestination({ beginsEarly: true });
  const other = loader(stopped.destination);
  other.stop();
  other.warmUp();
  other.add({ table: "a", path: "/a.1" });
  equal(await other.drain(), undefined);
  deepStrictEqual(stopped.calls, ["warmUp"]);
});
