import { deepEqual, equal, match, throws } from "node:assert/strict";
import { ConfigResolver, EnvironmentProvider } from "../config/mod.ts";
import { silentLogger } from "../log.ts";
import { checkDestinationType, filesystemOptions, targetDestination } from "./_destination.ts";

function setup(env: Record<string, string>) {
  return {
    config: new ConfigResolver([new EnvironmentProvider(env)]),
    cwd: "/project",
    pipelineName: "p",
    logger: silentLogger,
  };
}

Deno.test("filesystemOptions() reads dlt's keys; relative paths are relative to the project", () => {
  deepEqual(filesystemOptions(setup({ DESTINATION__FILESYSTEM__BUCKET_URL: "lake" })), {
    bucketUrl: "/project/lake",
    fileFormat: "parquet",
    disableCompression: false,
  });
  deepEqual(
    filesystemOptions(setup({
      DESTINATION__FILESYSTEM__BUCKET_URL: "file:///data/lake",
      NORMALIZE__LOADER_FILE_FORMAT: "csv",
      DESTINATION__FILESYSTEM__LAYOUT: "{table_name}/{load_id}.{file_id}.{ext}",
    })),
    {
      bucketUrl: "file:///data/lake",
      fileFormat: "csv",
      disableCompression: false,
      layout: "{table_name}/{load_id}.{file_id}.{ext}",
    },
  );
  // dlt's data writer setting, under either of its sections.
  for (const key of ["DATA_WRITER", "NORMALIZE__DATA_WRITER"]) {
    equal(
      filesystemOptions(setup({
        DESTINATION__FILESYSTEM__BUCKET_URL: "/abs",
        [`${key}__DISABLE_COMPRESSION`]: "true",
      })).disableCompression,
      true,
    );
  }
  // The destination's own key wins over normalize's.
  equal(
    filesystemOptions(setup({
      DESTINATION__FILESYSTEM__BUCKET_URL: "/abs",
      DESTINATION__FILESYSTEM__LOADER_FILE_FORMAT: "jsonl",
      NORMALIZE__LOADER_FILE_FORMAT: "csv",
    })).fileFormat,
    "jsonl",
  );
});

Deno.test("filesystemOptions() names what is missing or wrong", () => {
  throws(() => filesystemOptions(setup({ OTHER: "x" })), (err: Error) => {
    equal(err.name, "ConfigError");
    match(err.message, /bucket_url/);
    match(err.message, /DESTINATION__FILESYSTEM__BUCKET_URL/);
    return true;
  });
  throws(
    () =>
      filesystemOptions(setup({
        DESTINATION__FILESYSTEM__BUCKET_URL: "lake",
        DESTINATION__FILESYSTEM__LOADER_FILE_FORMAT: "xlsx",
      })),
    {
      name: "ConfigError",
      message: "loader_file_format of the filesystem destination must be one of parquet, jsonl, " +
        'csv, got "xlsx"',
    },
  );
});

Deno.test("checkDestinationType() lists the destinations there are", () => {
  checkDestinationType("duckdb");
  checkDestinationType("jsonl", ["jsonl"]);
  throws(() => checkDestinationType("jsonl"), {
    name: "ConfigError",
    message: /^Unknown destination "jsonl" for --to; expected one of duckdb/,
  });
});

Deno.test("targetDestination() builds DuckDB at DESTINATION__DUCKDB__CREDENTIALS or <pipeline>.duckdb", async () => {
  const named = targetDestination("duckdb", setup({}));
  equal(named.location, "duckdb:/project/p.duckdb");
  await named.close();
  const configured = targetDestination(
    "duckdb",
    setup({ DESTINATION__DUCKDB__CREDENTIALS: "duckdb:///data/x.duckdb" }),
  );
  // As in SQLAlchemy URLs, `duckdb:///` is followed by a relative path.
  equal(configured.location, "duckdb:/project/data/x.duckdb");
  await configured.close();
});
