import { equal } from "node:assert/strict";
import { isDiskFull, UserError } from "./errors.ts";

Deno.test("isDiskFull() knows ENOSPC and EDQUOT by code or message, through causes", () => {
  const enospc = Object.assign(new Error("No space left on device (os error 28)"), {
    code: "ENOSPC",
  });
  equal(isDiskFull(enospc), true);
  equal(isDiskFull(Object.assign(new Error("quota"), { code: "EDQUOT" })), true);
  equal(isDiskFull(new Error('IO Error: Could not write "x.wal": No space left on device')), true);
  equal(isDiskFull(new UserError("Cannot load", { cause: enospc })), true);
  equal(isDiskFull(new Error("Permission denied (os error 13)")), false);
  equal(isDiskFull("No space left on device"), false, "only errors count");
  equal(isDiskFull(undefined), false);
});
