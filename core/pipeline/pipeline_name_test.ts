import { equal, match, throws } from "node:assert/strict";
import { UserError } from "../errors.ts";
import { checkPipelineName, MAX_PIPELINE_NAME_LENGTH } from "./pipeline_name.ts";
import { WorkingDir } from "./working_dir.ts";

Deno.test("checkPipelineName() accepts letters, digits, _, - and .", () => {
  for (const name of ["github_pipeline", "a", "A-b.c_9", "load_x.v2", "x".repeat(200)]) {
    equal(checkPipelineName(name), name);
  }
});

Deno.test("checkPipelineName() rejects names that are not one plain folder name", () => {
  const cases: [string, RegExp][] = [
    ["../../x", /contains a path separator/],
    ["a/b", /contains a path separator/],
    ["a\\b", /contains a path separator/],
    [".", /current or parent folder/],
    ["..", /current or parent folder/],
    [".hidden", /starts with "\."/],
    ["", /is empty/],
    ["my pipeline", /contains " "/],
    ["a:b*c", /contains ":", "\*"/],
    ["naïve", /contains "ï"/],
    ["x".repeat(MAX_PIPELINE_NAME_LENGTH + 1), /201 characters long/],
  ];
  for (const [name, reason] of cases) {
    throws(() => checkPipelineName(name), (err: Error) => {
      equal(err instanceof UserError, true, name);
      match(err.message, /^Invalid pipeline name /);
      match(err.message, reason);
      match(err.message, /letters, digits, "_", "-" and "\."/);
      return true;
    });
  }
});

Deno.test("WorkingDir refuses an invalid pipeline name before touching the disk", () => {
  throws(() => new WorkingDir("/tmp/pipelines", "../escape"), /path separator/);
});
