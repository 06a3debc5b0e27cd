import { deepEqual, equal, match, throws } from "node:assert/strict";
import { ConfigResolver, EnvironmentProvider, loadConfig } from "../config/mod.ts";
import { postgresOptions } from "./_postgres_config.ts";

const env = (vars: Record<string, string>) => new ConfigResolver([new EnvironmentProvider(vars)]);

Deno.test("postgresOptions() reads the connection string and lets split keys override it", () => {
  const masked: unknown[] = [];
  const options = postgresOptions(
    env({
      DESTINATION__POSTGRES__CREDENTIALS: "postgresql://loader:pw-1@db:5433/dlt_data",
      DESTINATION__POSTGRES__CREDENTIALS__HOST: "other",
      DESTINATION__POSTGRES__CREATE_INDEXES: "false",
      DESTINATION__REPLACE_STRATEGY: "insert-from-staging",
    }),
    { pipelineName: "p", masker: { add: (s) => masked.push(s), mask: (t) => t } },
  );
  deepEqual(options, {
    credentials: {
      username: "loader",
      password: "pw-1",
      host: "other",
      port: 5433,
      database: "dlt_data",
    },
    createIndexes: false,
    replaceStrategy: "insert-from-staging",
  });
  deepEqual(masked, ["pw-1"], "the password joins the masker");
});

Deno.test("postgresOptions() reads split keys from secrets.toml, env over the file", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.mkdir(`${dir}/.dlt`);
    await Deno.writeTextFile(
      `${dir}/.dlt/secrets.toml`,
      '[destination.postgres.credentials]\ndatabase = "d"\nusername = "u"\npassword = "p"\n' +
        'host = "h"\nport = 6000\nconnect_timeout = 3\n',
    );
    const config = await loadConfig({
      env: { DESTINATION__POSTGRES__CREDENTIALS__DATABASE: "from_env" },
      projectDir: dir,
      homeDir: null,
    });
    deepEqual(postgresOptions(config, { pipelineName: "p" }).credentials, {
      database: "from_env",
      username: "u",
      password: "p",
      host: "h",
      port: 6000,
      connectTimeout: 3,
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("postgresOptions() fails with dlt's missing-field error naming the keys", () => {
  throws(() => postgresOptions(env({}), { pipelineName: "p" }), (err: Error) => {
    match(err.message, /Missing 1 field\(s\) in configuration/);
    match(err.message, /DESTINATION__POSTGRES__CREDENTIALS/);
    return true;
  });
  throws(
    () =>
      postgresOptions(env({ DESTINATION__POSTGRES__CREDENTIALS__PORT: "many" }), {
        pipelineName: "p",
      }),
    /port must be a number/,
  );
  throws(
    () =>
      postgresOptions(
        env({
          DESTINATION__POSTGRES__CREDENTIALS: "postgresql://u@h/d",
          DESTINATION__REPLACE_STRATEGY: "nope",
        }),
        { pipelineName: "p" },
      ),
    /replace_strategy must be one of/,
  );
  equal(
    postgresOptions(env({ DESTINATION__POSTGRES__CREDENTIALS: "postgresql://u@h/d" }), {
      pipelineName: "p",
    }).credentials.password,
    undefined,
  );
});
