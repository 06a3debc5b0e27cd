import { deepStrictEqual, equal, match, ok, rejects } from "node:assert/strict";
import { join } from "node:path";
import { defaultDeps } from "../deps.ts";
import { UserError } from "../errors.ts";
import { LoadPackage } from "../package/mod.ts";
import { newPipelineState, WorkingDir } from "../pipeline/mod.ts";
import { newSchema } from "../schema/mod.ts";
import type { Schema } from "../schema/types.ts";
import type { CliContext } from "./context.ts";
import { pipelineCommand, type PipelineCommandOptions } from "./pipeline_command.ts";
import { formatTrace } from "./pipeline_trace.ts";

const NAME = "shop_pipeline";
const LOADED_ID = "1749667187.541553";
const PENDING_ID = "1749667200.000001";

function shopSchema(): Schema {
  const schema = newSchema("shop");
  schema.version = 3;
  schema.version_hash = "hash3";
  schema.tables = {
    items: {
      name: "items",
      resource: "items",
      write_disposition: "merge",
      columns: {
        id: { name: "id", data_type: "bigint", nullable: false, primary_key: true },
        updated_at: { name: "updated_at", data_type: "timestamp", nullable: true },
        _dlt_id: { name: "_dlt_id", data_type: "text", nullable: false, row_key: true },
      },
    },
    items__tags: {
      name: "items__tags",
      parent: "items",
      columns: {
        value: { name: "value", data_type: "text", nullable: true },
        _dlt_root_id: { name: "_dlt_root_id", data_type: "text", nullable: false, root_key: true },
      },
    },
    users: {
      name: "users",
      resource: "users",
      columns: { login: { name: "login", data_type: "text", nullable: true } },
    },
  };
  return schema;
}

/** A pipelines dir with one pipeline: state, schema, trace, a loaded and a pending package. */
async function fixture(): Promise<{ dir: string } & AsyncDisposable> {
  const dir = await Deno.makeTempDir({ prefix: "dltx_inspect_" });
  const wd = new WorkingDir(dir, NAME);
  await wd.ensure();
  const state = newPipelineState(NAME, "shop_data");
  state.schema_names = ["shop"];
  state.default_schema_name = "shop";
  state.destination_type = "duckdb";
  state.sources = {
    shop: {
      resources: {
        items: {
          incremental: {
            updated_at: {
              initial_value: "2024-01-01T00:00:00Z",
              last_value: "2024-03-05T10:00:00Z",
              unique_hashes: ["a", "b"],
            },
          },
        },
      },
    },
  };
  state._local = { first_run: false, destination_location: `duckdb:${join(dir, "x.duckdb")}` };
  await wd.writeState(state);
  await wd.writeSchema(shopSchema());
  await wd.writeTrace({
    pipeline_name: NAME,
    started_at: "2024-03-05T10:00:00.000Z",
    finished_at: "2024-03-05T10:00:01.500Z",
    load_id: LOADED_ID,
    status: "failed",
    steps: [{
      step: "extract",
      seconds: 1.234,
      peak_rss_mb: 80.44,
      recordCounts: { items: 3 },
      resources: { items: { requests: 2, pages: 2, records: 3 } },
    }, {
      step: "normalize",
      seconds: 1.25,
      rowCounts: { items: 3, items__tags: 5 },
    }, {
      step: "load",
      seconds: 0.2,
      error: "HTTP 500 for url: http://api/items?token=***",
    }],
    error: "HTTP 500 for url: http://api/items?token=***",
  });
  const loaded = await LoadPackage.create(wd.loadDir, LOADED_ID);
  await loaded.saveSchema(shopSchema());
  await loaded.setState("loaded");
  const pending = await LoadPackage.create(wd.loadDir, PENDING_ID);
  await pending.saveSchema(shopSchema());
  await pending.writeJson("schema_updates.json", {
    users: { name: "users", columns: { login: { name: "login", data_type: "text" } } },
  });
  await Deno.writeTextFile(join(pending.dir, "new_jobs", "items.0123456789.0.jsonl"), "{}\n");
  await Deno.writeTextFile(join(pending.dir, "new_jobs", "users.aaaaaaaaaa.0.jsonl"), "{}\n");
  const [job] = await pending.jobs("new_jobs");
  await pending.moveJob(job, "failed_jobs", { failedMessage: "Conversion Error: bad value" });
  await pending.setState("normalized");
  return {
    dir,
    async [Symbol.asyncDispose]() {
      await Deno.remove(dir, { recursive: true });
    },
  };
}

/** Runs `dltx pipeline` in process and returns what it printed. */
async function run(
  dir: string,
  args: { name?: string; operation?: string; args?: string[] },
  options: PipelineCommandOptions = {},
  answers?: boolean[],
): Promise<string> {
  let out = "";
  const ctx: CliContext = {
    args: [],
    env: { DLTX_PIPELINES_DIR: dir },
    cwd: dir,
    stdout: { isTerminal: false, write: (t) => void (out += t) },
    stderr: { isTerminal: false, write: () => {} },
    deps: defaultDeps,
    // A terminal that answers in turn; none: stdin is not a terminal.
    confirm: answers && ((question) => {
      out += `${question} [y/N] `;
      return Promise.resolve(answers.shift() ?? false);
    }),
  };
  equal(await pipelineCommand(ctx, args, options), 0);
  return out;
}

Deno.test("pipeline info shows destination, dataset, cursors, resources and packages", async () => {
  await using f = await fixture();
  const out = await run(f.dir, { name: NAME, operation: "info" });
  match(out, new RegExp(`^Found pipeline ${NAME} in ${f.dir}$`, "m"));
  match(out, new RegExp(`^Destination: duckdb at duckdb:${f.dir}/x\\.duckdb$`, "m"));
  match(out, /^Dataset: shop_data$/m);
  match(out, /^default_schema_name: shop$/m);
  // The cursor's last value is shown (it is no secret), with its dedup keys counted.
  match(out, /shop\s+items\s+updated_at\s+2024-03-05T10:00:00Z\s+2024-01-01T00:00:00Z\s+2$/m);
  match(out, /^Resources in schema: shop \(version 3, hash hash3\)$/m);
  match(out, /^items with 2 table\(s\) and 1 resource state slot\(s\)$/m);
  match(out, /^users with 1 table\(s\) and 0 resource state slot\(s\)$/m);
  match(out, /^Has 1 pending load package\(s\)/m);
  match(out, new RegExp(`${PENDING_ID}\\s+normalized`));
  match(out, new RegExp(`${LOADED_ID}\\s+loaded\\s+2025-06-11T18:39:47\\.541Z`));
  match(out, /Add -v option to see sources state/);
  const verbose = await run(f.dir, { name: NAME }, { verbose: true });
  match(verbose, /"unique_hashes": \[/);
});

Deno.test("pipeline trace prints steps, rows per table, requests per resource and the error", async () => {
  await using f = await fixture();
  const out = await run(f.dir, { name: NAME, operation: "trace" });
  match(
    out,
    /^Run started at 2024-03-05T10:00:00.000Z and FAILED in 1\.50 seconds with 3 steps\.$/m,
  );
  match(out, /^Step extract COMPLETED in 1\.23 seconds\.\n {2}Peak RSS 80\.4 MB$/m);
  match(out, /resource\s+records\s+requests\s+pages\s+retries\s+wait_s\s+seconds/);
  // A trace without retries and waits (an older dltx) shows them as "-".
  match(out, /items\s+3\s+2\s+2\s+-\s+-\s+-$/m);
  match(
    out,
    /^Step normalize COMPLETED in 1\.25 seconds\.\nNormalized data for the following tables:\n- items: 3 row\(s\)\n- items__tags: 5 row\(s\)$/m,
  );
  match(
    out,
    /^Step load FAILED in 0\.20 seconds\.\nFailed due to: HTTP 500 for url: http:\/\/api\/items\?token=\*\*\*$/m,
  );
  // The run's error is the failed step's: said once.
  equal(out.split("Failed due to").length, 2);
  const json = JSON.parse(await run(f.dir, { name: NAME, operation: "trace" }, { format: "json" }));
  equal(json.status, "failed");
});

Deno.test("formatTrace() copes with a trace missing fields", () => {
  equal(
    formatTrace({ steps: [{ step: "load" }] }),
    "Run started at an unknown time and UNKNOWN with 1 steps.\nStep load COMPLETED.\n",
  );
  // A trace of an older dltx: one step for extract and normalize, the error on the run.
  equal(
    formatTrace({
      status: "failed",
      steps: [{ step: "extract+normalize", seconds: 1, rowCounts: { a: 1 } }],
      error: "boom",
    }),
    "Run started at an unknown time and FAILED with 1 steps.\nStep extract+normalize COMPLETED " +
      "in 1.00 seconds.\nNormalized data for the following tables:\n- a: 1 row(s)\n" +
      "Failed due to: boom\n",
  );
});

Deno.test("pipeline load-package shows the newest package, its jobs and failures", async () => {
  await using f = await fixture();
  const out = await run(f.dir, { name: NAME, operation: "load-package" });
  match(out, new RegExp(`^Package ${PENDING_ID} found in `, "m"));
  match(out, /for schema shop is in NORMALIZED state\. It updated schema for 1 tables\./);
  match(out, /new_jobs\s+users\s+users\.aaaaaaaaaa\.0\.jsonl\s+3B/);
  match(out, /failed_jobs\s+items\s+items\.0123456789\.0\.jsonl\s+3B/);
  match(out, /Job items\.0123456789\.0\.jsonl of table items FAILED: Conversion Error: bad value/);
  match(out, /Add -v option to see schema update/);
  const verbose = await run(f.dir, { name: NAME, operation: "load-package" }, { verbose: true });
  match(verbose, /^Schema update:\ntables:\n {2}users:\n/m);
});

Deno.test("pipeline load-package <load_id> picks that package; an unknown id lists the ids", async () => {
  await using f = await fixture();
  const out = await run(f.dir, { name: NAME, operation: "load-package", args: [LOADED_ID] });
  match(out, /is in LOADED state\./);
  match(out, /they were deleted after loading/);
  await rejects(
    run(f.dir, { name: NAME, operation: "load-package", args: ["123.4"] }),
    (err: Error) => err instanceof UserError && err.message.includes(LOADED_ID),
  );
});

Deno.test("pipeline schema prints YAML, JSON or a table per table", async () => {
  await using f = await fixture();
  const yaml = await run(f.dir, { name: NAME, operation: "schema" });
  // dlt's stored schema, as `dlt pipeline <name> schema` prints it.
  match(yaml, /^version: 3\nversion_hash: hash3\nengine_version: 11\nname: shop\ntables:\n/);
  const json = JSON.parse(
    await run(f.dir, { name: NAME, operation: "schema" }, { format: "json" }),
  );
  equal(json.tables.items.columns.id.primary_key, true);
  equal(json.tables._dlt_loads.columns.load_id.data_type, "text");
  equal(json.normalizers.names, "snake_case");
  deepStrictEqual(json.settings.detections, ["iso_timestamp"]);
  const table = await run(f.dir, { name: NAME, operation: "schema" }, { format: "table" });
  match(table, /^Schema shop, version 3, hash hash3$/m);
  match(
    table,
    /^items \(resource items, write disposition merge, merge strategy delete-insert\)$/m,
  );
  match(table, /^ {2}id\s+bigint\s+false\s+primary_key$/m);
  match(table, /^items__tags \(child of items\)$/m);
  match(table, /^ {2}_dlt_root_id\s+text\s+false\s+root_key$/m);
  await rejects(
    run(f.dir, { name: NAME, operation: "schema" }, { format: "dbml" }),
    /Unknown schema format "dbml" for --format; expected one of yaml, json, table/,
  );
  await rejects(
    run(f.dir, { name: NAME, operation: "schema" }, { schema: "github" }),
    /has no schema "github"; its schemas: shop/,
  );
});

Deno.test("pipeline drop names unknown resources and refuses while packages are pending", async () => {
  await using f = await fixture();
  await rejects(
    run(f.dir, { name: NAME, operation: "drop", args: ["orders", "items"] }),
    /Unknown resource\(s\) "orders" in schema "shop" of pipeline "shop_pipeline"; known resources: items, users/,
  );
  await rejects(
    run(f.dir, { name: NAME, operation: "drop", args: ["re:^ord"] }),
    /Unknown resource\(s\) "re:\^ord"/,
  );
  await rejects(
    run(f.dir, { name: NAME, operation: "drop" }, {}),
    /Name the resources to drop, e\.g\. "dltx pipeline shop_pipeline drop issues comments", or drop them all with --drop-all/,
  );
  await rejects(
    run(f.dir, { name: NAME, operation: "drop", args: ["items"] }, { yes: true }),
    new RegExp(`has 1 pending load package\\(s\\) \\(${PENDING_ID}\\)`),
  );
});

Deno.test("pipeline -l lists the pipelines; an unknown one names the known ones", async () => {
  await using f = await fixture();
  equal(await run(f.dir, {}, { listPipelines: true }), `1 pipelines found in ${f.dir}\n${NAME}\n`);
  // As dlt: `dltx pipeline` with no name lists them too.
  equal(await run(f.dir, {}), `1 pipelines found in ${f.dir}\n${NAME}\n`);
  await rejects(
    run(f.dir, { name: "nope", operation: "info" }),
    new RegExp(`^UserError: Pipeline "nope" not found in ${f.dir}; known pipelines: ${NAME}$`),
  );
  const empty = join(f.dir, "empty");
  equal(await run(empty, {}, { listPipelines: true }), `No pipelines found in ${empty}\n`);
});

Deno.test("pipeline rejects unknown operations, stray options and a missing name", async () => {
  await using f = await fixture();
  await rejects(
    run(f.dir, { name: NAME, operation: "frobnicate" }),
    /Unknown pipeline operation "frobnicate"; expected one of info, trace, load-package, schema, drop, failed-jobs, drop-pending-packages, sync, show/,
  );
  await rejects(
    run(f.dir, { name: NAME, operation: "info" }, { open: false }),
    /--no-open is not an option of "dltx pipeline <name> info"/,
  );
  await rejects(
    run(f.dir, { name: NAME, operation: "show" }, { port: "http" }),
    /--port must be a port number from 0 to 65535, got "http"/,
  );
  await rejects(
    run(f.dir, { name: NAME, operation: "info" }, { resources: "items" }),
    /--resources is not an option of "dltx pipeline <name> info"/,
  );
  await rejects(
    run(f.dir, { name: NAME, operation: "schema", args: ["extra"] }),
    /Unexpected argument "extra"/,
  );
  await rejects(
    run(f.dir, { name: NAME, operation: "load-package", args: [LOADED_ID, "extra"] }),
    /Unexpected argument "extra" after "dltx pipeline shop_pipeline load-package"/,
  );
  await rejects(
    run(f.dir, { name: NAME, operation: "trace" }, { yes: true }),
    /--yes is not an option of "dltx pipeline <name> trace"/,
  );
});

Deno.test("pipeline failed-jobs lists the failed jobs of normalized and loaded packages", async () => {
  await using f = await fixture();
  const out = await run(f.dir, { name: NAME, operation: "failed-jobs" });
  match(
    out,
    new RegExp(`^Checking failed jobs in load id '${LOADED_ID}'\nNo failed jobs found$`, "m"),
  );
  match(out, new RegExp(`^Checking failed jobs in load id '${PENDING_ID}'$`, "m"));
  match(
    out,
    /^JOB: items\.0123456789\.0\(items\)\nJOB file type: jsonl\nJOB file path: .*failed_jobs\/items\.0123456789\.0\.jsonl\nConversion Error: bad value$/m,
  );
});

Deno.test("pipeline drop-pending-packages asks, deletes once confirmed, refuses without a terminal", async () => {
  await using f = await fixture();
  const pending = join(f.dir, NAME, "load", PENDING_ID);
  await rejects(
    run(f.dir, { name: NAME, operation: "drop-pending-packages" }),
    /"dltx pipeline shop_pipeline drop-pending-packages" asks for confirmation, but stdin is not a terminal: nothing was changed\. Add --yes/,
  );
  const declined = await run(f.dir, { name: NAME, operation: "drop-pending-packages" }, {}, [
    false,
  ]);
  match(
    declined,
    new RegExp(
      `^Has 1 normalized packages ready to be loaded with following load ids:\n${PENDING_ID}\n` +
        "Delete the above packages\\? \\[y/N\\] Nothing was deleted\\.$",
      "m",
    ),
  );
  ok((await Deno.stat(pending)).isDirectory, "declined: the package stays");
  const yes = await run(f.dir, { name: NAME, operation: "drop-pending-packages" }, {}, [true]);
  match(yes, /\[y\/N\] Pending packages deleted$/m);
  await rejects(Deno.stat(pending), Deno.errors.NotFound);
  ok((await Deno.stat(join(f.dir, NAME, "load", LOADED_ID))).isDirectory, "loaded ones stay");
  match(
    await run(f.dir, { name: NAME, operation: "drop-pending-packages" }, { yes: true }),
    /^No pending packages found$/m,
  );
});

Deno.test("pipeline info and trace work for a pipeline whose only run failed", async () => {
  await using f = await fixture();
  const wd = new WorkingDir(f.dir, "fresh");
  await wd.ensure();
  await wd.writeTrace({ status: "failed", steps: [], error: "boom" });
  const info = await run(f.dir, { name: "fresh" });
  match(info, /The pipeline has no state: no load of it committed yet\./);
  match(info, /Pipeline has last run trace/);
  const trace = await run(f.dir, { name: "fresh", operation: "trace" });
  ok(trace.includes("Failed due to: boom"), trace);
  await rejects(run(f.dir, { name: "fresh", operation: "schema" }), /has no state in/);
});
