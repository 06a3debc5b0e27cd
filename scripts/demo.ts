/**
 * `deno task demo`: starts the bundled sample shop API on a free port, runs the built-in `demo`
 * connector into `demo_pipeline.duckdb`, prints the load info and a row count per table, and
 * stops the API.
 *
 * @module
 */

import { join } from "node:path";
import { fileOutput, runCli } from "../core/cli/mod.ts";
import { defaultDeps } from "../core/deps.ts";
import { openDuckDb } from "../destinations/duckdb/open_duckdb.ts";
import { startDemoApi } from "./demo_api.ts";

const api = await startDemoApi();
let code = 1;
try {
  const stdout = fileOutput(Deno.stdout);
  code = await runCli({
    args: ["run", "demo", ...Deno.args],
    env: {
      ...Deno.env.toObject(),
      SOURCES__DEMO__BASE_URL: api.url,
      SOURCES__DEMO__API_KEY: api.apiKey,
    },
    cwd: Deno.cwd(),
    stdout,
    stderr: fileOutput(Deno.stderr),
    deps: defaultDeps,
  });
  if (code === 0) {
    const db = await openDuckDb(join(Deno.cwd(), "demo_pipeline.duckdb"));
    try {
      const tables = await db.query(
        `SELECT table_name FROM information_schema.tables
         WHERE table_schema = 'demo_pipeline_dataset' AND table_name NOT LIKE '\\_dlt\\_%' ESCAPE '\\'
         ORDER BY table_name`,
      );
      stdout.write("\nRows per table in demo_pipeline_dataset:\n");
      for (const { table_name } of tables) {
        const [{ n }] = await db.query(
          `SELECT count(*) AS n FROM demo_pipeline_dataset."${table_name}"`,
        );
        stdout.write(`  ${String(table_name).padEnd(28)} ${n}\n`);
      }
    } finally {
      await db.close();
    }
  }
} finally {
  await api.close();
}
Deno.exit(code);
