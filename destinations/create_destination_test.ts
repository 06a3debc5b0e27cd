import { equal, throws } from "node:assert/strict";
import { ConfigError } from "../core/errors.ts";
import { createDestination, DESTINATION_TYPES } from "./create_destination.ts";

Deno.test("createDestination() creates a duckdb destination", async () => {
  const destination = createDestination("duckdb", { path: "/tmp/x/demo.duckdb" });
  equal(destination.type, "duckdb");
  equal(destination.location, "duckdb:/tmp/x/demo.duckdb");
  await destination.close();
});

Deno.test("createDestination() rejects unknown types listing the known ones", () => {
  throws(
    () => createDestination("snowflake", {}),
    (err: Error) =>
      err instanceof ConfigError && err.message.includes('"snowflake"') &&
      err.message.includes("duckdb, filesystem, postgres"),
  );
  throws(() => createDestination("toString", {}), ConfigError);
  equal(DESTINATION_TYPES.includes("duckdb"), true);
});

Deno.test("createDestination() validates postgres options, never echoing the password", () => {
  throws(() => createDestination("postgres", {}), /needs credentials/);
  throws(
    () => createDestination("postgres", { credentials: "postgresql://u:s3cret-pw@h/" }),
    (err: Error) => /lack database/.test(err.message) && !err.message.includes("s3cret-pw"),
  );
  throws(
    () => createDestination("postgres", { credentials: "mysql://u:s3cret-pw@h/db" }),
    (err: Error) => /postgresql:\/\//.test(err.message) && !err.message.includes("s3cret-pw"),
  );
  const d = createDestination("postgres", {
    credentials: { database: "db", username: "u", password: "s3cret-pw", host: "h" },
  });
  equal(d.location, "postgresql://u:***@h:5432/db");
  equal(d.maxIdentifierLength, 63);
});

Deno.test("createDestination() validates duckdb options", () => {
  throws(() => createDestination("duckdb", {}), /needs a database file path, got undefined/);
  throws(() => createDestination("duckdb", { path: "x", threads: 0 }), /threads/);
  throws(() => createDestination("duckdb", { path: "x", memoryLimit: 5 }), /memoryLimit/);
});

Deno.test("createDestination() creates and validates a filesystem destination", async () => {
  const destination = createDestination("filesystem", { bucketUrl: "file:///tmp/x/lake" });
  equal(destination.type, "filesystem");
  equal(destination.location, "file:///tmp/x/lake");
  await destination.close();
  equal(DESTINATION_TYPES.includes("filesystem"), true);
  throws(() => createDestination("filesystem", {}), /needs a bucket_url .* got undefined/);
  throws(() => createDestination("filesystem", { bucketUrl: "/x", layout: 3 }), /layout must be/);
  throws(
    () => createDestination("filesystem", { bucketUrl: "/x", fileFormat: "avro" }),
    ConfigError,
  );
  throws(() => createDestination("filesystem", { bucketUrl: "gs://b" }), /only local paths/);
});
