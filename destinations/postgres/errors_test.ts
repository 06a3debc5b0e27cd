import { equal, ok } from "node:assert/strict";
import { ConfigError, InternalError, UserError } from "../../core/errors.ts";
import { postgresError, postgresHint } from "./errors.ts";

/** An error shaped as `pg`'s `DatabaseError`: the server's message, SQLSTATE and details. */
function serverError(
  message: string,
  code: string,
  more: { detail?: string; where?: string } = {},
): Error {
  return Object.assign(new Error(message), { code, severity: "ERROR", ...more });
}

const WHAT = 'Cannot load table "t" from /p/t.1.jsonl';

Deno.test("postgresError() makes failures the user causes UserErrors that say what to do", () => {
  const cases: [Error, RegExp][] = [
    [
      serverError('duplicate key value violates unique constraint "t_pkey"', "23505", {
        detail: "Key (id)=(1) already exists.",
      }),
      /^Cannot load table "t" from \/p\/t\.1\.jsonl: duplicate key value violates unique constraint "t_pkey" \(Key \(id\)=\(1\) already exists\.\); the data breaks a constraint/,
    ],
    [
      serverError('invalid input syntax for type bigint: "x"', "22P02", {
        where: 'COPY t, line 2, column n: "x"\nmore',
      }),
      /: invalid input syntax for type bigint: "x" \[COPY t, line 2, column n: "x"\]; a value does not fit its column/,
    ],
    [serverError('relation "ds.t" does not exist', "42P01"), /differ from the pipeline's schema/],
    [serverError("could not extend file: No space left on device", "53100"), /lacks resources/],
    [serverError("out of memory", "53200"), /lacks resources/],
    [serverError("could not write block: I/O error", "58030"), /reading or writing its files/],
    [serverError("permission denied for schema ds", "42501"), /GRANT/],
    [serverError("deadlock detected", "40P01"), /run again/],
    [serverError("canceling statement due to statement timeout", "57014"), /statement timeout/],
    [Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" }), /connection to/],
    [new Error("Connection terminated unexpectedly"), /connection to PostgreSQL broke/],
  ];
  for (const [failure, message] of cases) {
    const err = postgresError(failure, WHAT);
    ok(err instanceof UserError, `${failure.message}: ${err}`);
    ok(message.test(err.message), err.message);
    equal(err.cause, failure);
  }
});

Deno.test("postgresError() makes dltx's own failures InternalErrors that keep the cause", () => {
  for (
    const failure of [
      serverError('syntax error at or near "SELEC"', "42601"),
      serverError('column "x" is of type bigint but expression is of type text', "42804"),
      serverError("could not determine data type of parameter $1", "42P18"),
      new TypeError("Cannot read properties of undefined (reading 'rows')"),
    ]
  ) {
    const err = postgresError(failure, WHAT);
    ok(err instanceof InternalError, `${failure.message}: ${err}`);
    equal(err.message, `${WHAT}: ${failure.message}`);
    equal(err.cause, failure);
    equal(postgresHint(failure), undefined);
  }
});

Deno.test("postgresError() passes dltx's own errors through", () => {
  const config = new ConfigError("bad replace strategy");
  equal(postgresError(config, WHAT), config);
});
