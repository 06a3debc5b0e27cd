import { deepEqual, equal } from "node:assert/strict";
import { compareVersions, pickVersion } from "./_semver.ts";

const VERSIONS = ["0.1.0", "0.2.1", "1.0.0", "1.2.0", "1.2.5", "1.3.0-beta.1", "2.0.0"];

Deno.test("compareVersions() orders numerically, pre-releases before releases", () => {
  deepEqual(
    ["1.10.0", "1.2.0", "1.3.0", "1.3.0-beta.2", "1.3.0-beta.10"].sort(compareVersions),
    ["1.2.0", "1.3.0-beta.2", "1.3.0-beta.10", "1.3.0", "1.10.0"],
  );
});

Deno.test("compareVersions() follows SemVer 2.0.0 pre-release precedence", () => {
  // The specification's own example, §11.
  const spec = [
    "1.0.0-alpha",
    "1.0.0-alpha.1",
    "1.0.0-alpha.beta",
    "1.0.0-beta",
    "1.0.0-beta.2",
    "1.0.0-beta.11",
    "1.0.0-rc.1",
    "1.0.0",
  ];
  deepEqual([...spec].reverse().sort(compareVersions), spec);
  // Identifiers are compared in ASCII order: upper case before lower case.
  deepEqual(
    ["1.0.0-alpha", "1.0.0-Beta", "1.0.0-Alpha"].sort(compareVersions),
    ["1.0.0-Alpha", "1.0.0-Beta", "1.0.0-alpha"],
  );
  equal(compareVersions("1.0.0-Alpha", "1.0.0-alpha") < 0, true);
  // Build metadata does not take part in precedence.
  equal(compareVersions("1.0.0+build.1", "1.0.0+build.2"), 0);
  // Text that is no version sorts after the versions.
  deepEqual(["junk", "2.0.0", "1.0.0"].sort(compareVersions), ["1.0.0", "2.0.0", "junk"]);
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

Deno.test("pickVersion() resolves comparator ranges, x-ranges, unions and prefixed versions", () => {
  equal(pickVersion(">=1.2.0", VERSIONS), "2.0.0");
  equal(pickVersion(">=1.2.0 <2", VERSIONS), "1.2.5");
  equal(pickVersion("<1.0.0", VERSIONS), "0.2.1");
  equal(pickVersion("1.x", VERSIONS), "1.2.5");
  equal(pickVersion("1.2.x", VERSIONS), "1.2.5");
  equal(pickVersion("0.x || 1.0.x", VERSIONS), "1.0.0");
  equal(pickVersion("^0.1.0 || ^0.2.0", VERSIONS), "0.2.1");
  equal(pickVersion("1.0.0 - 1.2.0", VERSIONS), "1.2.0");
  equal(pickVersion("=1.2.0", VERSIONS), "1.2.0");
  equal(pickVersion("v1.2.0", VERSIONS), "1.2.0");
  equal(pickVersion("=v1.3.0-beta.1", VERSIONS), "1.3.0-beta.1");
  equal(pickVersion("latest", VERSIONS), "2.0.0");
  equal(pickVersion(">=3", VERSIONS), undefined);
  equal(pickVersion("=1.2.1", VERSIONS), undefined);
});

Deno.test("pickVersion() takes a pre-release only when the range asks for one", () => {
  // A plain range never lands on a pre-release, even when it is the highest match.
  equal(pickVersion(">=1.2.5", ["1.2.5", "1.3.0-beta.1"]), "1.2.5");
  equal(pickVersion("^1.3.0", ["1.2.5", "1.3.0-beta.1"]), undefined);
  // A range naming a pre-release of the same version may pick a later pre-release of it.
  equal(pickVersion(">=1.3.0-beta.0", ["1.2.5", "1.3.0-beta.1"]), "1.3.0-beta.1");
  equal(pickVersion("^1.0.0-Alpha", ["1.0.0-Alpha", "1.0.0-alpha"]), "1.0.0-alpha");
});
