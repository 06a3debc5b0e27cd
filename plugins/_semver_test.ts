import { deepEqual, equal } from "node:assert/strict";
import { compareVersions, pickVersion } from "./_semver.ts";

const VERSIONS = ["0.1.0", "0.2.1", "1.0.0", "1.2.0", "1.2.5", "1.3.0-beta.1", "2.0.0"];

Deno.test("compareVersions() orders numerically, pre-releases before releases", () => {
  deepEqual(
    ["1.10.0", "1.2.0", "1.3.0", "1.3.0-beta.2", "1.3.0-beta.10"].sort(compareVersions),
    ["1.2.0", "1.3.0-beta.2", "1.3.0-beta.10", "1.3.0", "1.10.0"],
  );
});

Deno.test("pickVersion() resolves exact, partial and caret/tilde versions", () => {
  equal(pickVersion("1.2.0", VERSIONS), "1.2.0");
  equal(pickVersion("1.3.0-beta.1", VERSIONS), "1.3.0-beta.1");
  equal(pickVersion("1", VERSIONS), "1.2.5");
  equal(pickVersion("1.2", VERSIONS), "1.2.5");
  equal(pickVersion("^1.0.0", VERSIONS), "1.2.5");
  equal(pickVersion("~1.2.0", VERSIONS), "1.2.5");
  equal(pickVersion("^0.1.0", VERSIONS), "0.1.0");
  equal(pickVersion("*", VERSIONS), "2.0.0");
  equal(pickVersion("3", VERSIONS), undefined);
  equal(pickVersion("1.4.0", VERSIONS), undefined);
  equal(pickVersion("not-a-version", VERSIONS), undefined);
});
