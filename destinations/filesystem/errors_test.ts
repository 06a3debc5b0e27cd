import { equal, ok } from "node:assert/strict";
import { join } from "node:path";
import { DataError, InternalError, UserError } from "../../core/errors.ts";
import { filesystemError, filesystemJobError } from "./errors.ts";

const WHAT = "Cannot drop tables users from dataset ds";

/** What the file system throws for `op`. */
async function failureOf(op: () => Promise<unknown>): Promise<Error> {
  try {
    await op();
  } catch (err) {
    return err as Error;
  }
  throw new Error("no failure");
}

Deno.test("filesystemError() makes file system failures UserErrors that say what to do", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const file = join(dir, "f");
    await Deno.writeTextFile(file, "x");
    const cases: [Error, RegExp][] = [
      [await failureOf(() => Deno.remove(join(dir, "missing"))), /is gone/],
      [await failureOf(() => Deno.mkdir(join(file, "sub"))), /folder exists, is writable/],
      [
        Object.assign(new Error("No space left on device (os error 28)"), { code: "ENOSPC" }),
        /disk is full/,
      ],
      [new Deno.errors.PermissionDenied("Permission denied (os error 13)"), /permissions/],
      [new Error('IO Error: Cannot open file "/b/ds/t/1.parquet"'), /writable/],
      [new SyntaxError("Unexpected end of JSON input"), /system file of the dataset/],
    ];
    for (const [failure, hint] of cases) {
      const err = filesystemError(failure, WHAT);
      ok(err instanceof UserError, `${failure}: ${err}`);
      ok(err.message.startsWith(`${WHAT}: `), err.message);
      ok(hint.test(err.message), err.message);
      equal(err.cause, failure);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("filesystemError() makes dltx's own failures InternalErrors that keep the cause", () => {
  for (
    const failure of [
      new TypeError("Cannot read properties of undefined (reading 'columns')"),
      new RangeError("Invalid time value"),
      new Error('Binder Error: Referenced column "x" not found'),
    ]
  ) {
    const err = filesystemError(failure, WHAT);
    ok(err instanceof InternalError, `${failure}: ${err}`);
    equal(err.message, `${WHAT}: ${failure.message}`);
    equal(err.cause, failure);
  }
  const data = new DataError("state file is not valid JSON");
  equal(filesystemError(data, WHAT), data);
});

Deno.test("filesystemJobError() makes a value that does not fit its column the user's to fix", () => {
  const what = 'Cannot write table "t" from /p/t.1.jsonl to /b/ds/t/1.parquet';
  const conversion = new Error("Conversion Error: Could not convert string 'x' to INT64");
  const err = filesystemJobError(conversion, what);
  ok(err instanceof UserError, String(err));
  ok(/; a value of the job file does not fit its column/.test(err.message), err.message);
  ok(filesystemJobError(new Error("Binder Error: no column x"), what) instanceof InternalError);
  const full = Object.assign(new Error("No space left on device (os error 28)"), {
    code: "ENOSPC",
  });
  ok(/disk is full/.test(filesystemJobError(full, what).message));
});
