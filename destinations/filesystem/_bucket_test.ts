import { deepStrictEqual, throws } from "node:assert/strict";
import { ConfigError } from "../../core/errors.ts";
import { parseBucketUrl } from "./_bucket.ts";

Deno.test("parseBucketUrl() takes absolute and relative paths and file:// URLs", () => {
  deepStrictEqual(parseBucketUrl("/data/lake/"), { path: "/data/lake", url: "file:///data/lake" });
  deepStrictEqual(parseBucketUrl("lake"), {
    path: `${Deno.cwd()}/lake`,
    url: `file://${Deno.cwd()}/lake`,
  });
  deepStrictEqual(parseBucketUrl("file:///data/my%20lake"), {
    path: "/data/my lake",
    url: "file:///data/my%20lake",
  });
  deepStrictEqual(parseBucketUrl("file://localhost/data"), {
    path: "/data",
    url: "file:///data",
  });
});

Deno.test("parseBucketUrl() rejects remote schemes, hosts and empty values", () => {
  for (
    const [url, message] of [
      ["s3://bucket/path", /uses the s3:\/\/ scheme; only local paths and file:\/\/ URLs/],
      ["gs://b", /gs:\/\//],
      ["az://container", /az:\/\//],
      ["file://data/lake", /names host "data"; a file:\/\/ URL needs an absolute path/],
      ["  ", /needs a bucket_url/],
    ] as const
  ) {
    throws(
      () => parseBucketUrl(url),
      (err: Error) => err instanceof ConfigError && message.test(err.message),
    );
  }
});
