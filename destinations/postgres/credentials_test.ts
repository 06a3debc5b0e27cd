import { deepEqual, equal, throws } from "node:assert/strict";
import { ConfigError } from "../../core/errors.ts";
import {
  checkCredentials,
  credentialsFrom,
  displayLocation,
  parseConnectionString,
} from "./credentials.ts";

Deno.test("parseConnectionString() reads dlt's connection string, percent-decoded", () => {
  deepEqual(
    parseConnectionString("postgresql://load%40er:p%40ss%3Aw%2Frd@db.example:6543/dlt%20data"),
    {
      username: "load@er",
      password: "p@ss:w/rd",
      host: "db.example",
      port: 6543,
      database: "dlt data",
    },
  );
  deepEqual(parseConnectionString("postgres://u@[::1]/d?connect_timeout=3"), {
    username: "u",
    host: "::1",
    database: "d",
    connectTimeout: 3,
  });
  deepEqual(parseConnectionString("postgresql://u@/d?host=/run/postgresql"), {
    username: "u",
    host: "/run/postgresql",
    database: "d",
  });
});

Deno.test("parseConnectionString() refuses other schemes and never echoes the password", () => {
  for (
    const bad of ["mysql://u:topsecret@h/d", "topsecret", "postgresql://u:topsecret@h:99999/d"]
  ) {
    throws(() => checkCredentials(parseConnectionString(bad)), (err: Error) => {
      equal(err instanceof ConfigError, true, bad);
      equal(err.message.includes("topsecret"), false, err.message);
      return true;
    });
  }
});

Deno.test("checkCredentials() names every missing part and the keys to set", () => {
  throws(
    () => checkCredentials({ password: "x" }),
    /lack database, username, host: set DESTINATION__POSTGRES__CREDENTIALS/,
  );
  deepEqual(checkCredentials({ database: "d", username: "u", host: "h" }), {
    database: "d",
    username: "u",
    password: undefined,
    host: "h",
    port: 5432,
    connectTimeout: 15,
  });
});

Deno.test("credentialsFrom() takes a string or a table of dlt's keys", () => {
  const fromTable = credentialsFrom({
    database: "d",
    username: "u",
    password: "p",
    host: "h",
    port: "5433",
    connect_timeout: 4,
  });
  equal(fromTable.port, 5433);
  equal(fromTable.connectTimeout, 4);
  equal(credentialsFrom("postgresql://u:p@h/d").password, "p");
  throws(() => credentialsFrom(42), ConfigError);
});

Deno.test("displayLocation() masks the password as dlt does", () => {
  equal(
    displayLocation({ database: "dlt_data", username: "loader", password: "x", host: "localhost" }),
    "postgresql://loader:***@localhost:5432/dlt_data",
  );
  equal(
    displayLocation({ database: "d", username: "u", host: "::1", port: 5 }),
    "postgresql://u@[::1]:5/d",
  );
});
