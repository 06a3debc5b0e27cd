import { deepEqual, equal, ok, throws } from "node:assert/strict";
import { parse } from "smol-toml";
import { UserError } from "../../errors.ts";
import {
  dottedKey,
  mergeTomlFragment,
  REDACTED,
  redactToml,
  tomlLeaves,
} from "./_toml_fragment.ts";

const FILE = ".dlt/secrets.toml";
const SECRET = "ghp_S3cr3t-Value'\"";

/** What dltx init writes: comments, a required key commented out, another table. */
const INIT = `# Secrets of the github_pipeline. Keep this file out of git.
# Env vars win over this file.

[sources.github]
# A GitHub token
# Required: uncomment the next line and set it (or set SOURCES__GITHUB__ACCESS_TOKEN).
# access_token = "<access_token>"

# The other API
[sources.other]
api_key = "old-key" # rotated in May
region = "eu"
`;

Deno.test("mergeTomlFragment() adds a key to its table and keeps every comment", () => {
  const { text, added, updated } = mergeTomlFragment(
    INIT,
    `[sources.github]\naccess_token = ${JSON.stringify(SECRET)}\n`,
    FILE,
  );
  deepEqual([added, updated], [["sources.github.access_token"], []]);
  equal(
    text,
    INIT.replace(
      '# access_token = "<access_token>"\n',
      `# access_token = "<access_token>"\naccess_token = ${JSON.stringify(SECRET)}\n`,
    ),
  );
  deepEqual(parse(text).sources, {
    github: { access_token: SECRET },
    other: { api_key: "old-key", region: "eu" },
  });
});

Deno.test("mergeTomlFragment() replaces a value in place, keeping its trailing comment", () => {
  const { text, updated } = mergeTomlFragment(INIT, 'sources.other.api_key = "new"', FILE);
  deepEqual(updated, ["sources.other.api_key"]);
  equal(text, INIT.replace('api_key = "old-key"', 'api_key = "new"'));
  // A second merge of the same fragment changes nothing more.
  equal(mergeTomlFragment(text, 'sources.other.api_key = "new"', FILE).text, text);
});

Deno.test("mergeTomlFragment() puts new tables at the end and top-level keys before tables", () => {
  const { text, added } = mergeTomlFragment(
    INIT,
    'top = 1\n[destination.postgres.credentials]\npassword = "pw"\nport = 5432\n',
    FILE,
  );
  deepEqual(added, [
    "top",
    "destination.postgres.credentials.password",
    "destination.postgres.credentials.port",
  ]);
  ok(
    text.startsWith(
      "# Secrets of the github_pipeline. Keep this file out of git.\n" +
        "# Env vars win over this file.\ntop = 1\n\n[sources.github]",
    ),
    text,
  );
  ok(text.endsWith(
    'region = "eu"\n\n[destination.postgres.credentials]\npassword = "pw"\nport = 5432\n',
  ));
  ok(text.includes("# A GitHub token\n"));
});

Deno.test("mergeTomlFragment() writes a new file, and merges into dotted keys", () => {
  equal(mergeTomlFragment("", '[sources.a]\nk = "v"', FILE).text, '[sources.a]\nk = "v"\n');
  const dotted = '[sources]\ngithub.token = "a" # mine\n';
  const { text, updated } = mergeTomlFragment(dotted, 'sources.github.token = "b"', FILE);
  deepEqual(updated, ["sources.github.token"]);
  equal(text, '[sources]\ngithub.token = "b" # mine\n');
  // A new key of a table defined by dotted keys is written as a dotted key there.
  const more = mergeTomlFragment(dotted, 'sources.github.user = "u"', FILE).text;
  equal(more, '[sources]\ngithub.token = "a" # mine\ngithub.user = "u"\n');
  // A table defined by dotted keys at the top cannot be reopened as `[sources.a]`.
  equal(
    mergeTomlFragment("sources.a.b = 1\n[x]\n", "[sources.a]\nc = 2", FILE).text,
    "sources.a.b = 1\nsources.a.c = 2\n[x]\n",
  );
});

Deno.test("mergeTomlFragment() keeps CRLF line ends and reads quoted keys", () => {
  const crlf = '[sources."my api"]\r\nkey = "x"\r\n';
  const { text } = mergeTomlFragment(crlf, '[sources."my api"]\nother = 2\n', FILE);
  equal(text, '[sources."my api"]\r\nkey = "x"\r\nother = 2\r\n');
  equal(dottedKey(["sources", "my api", "k"]), 'sources."my api".k');
});

Deno.test("mergeTomlFragment() accepts literal \\n from a shell, as dlt does", () => {
  const { text } = mergeTomlFragment("", '[sources.a]\\nk = "v"', FILE);
  equal(text, '[sources.a]\nk = "v"\n');
});

Deno.test("mergeTomlFragment() refuses bad fragments without quoting them", () => {
  const cases: [string, string, RegExp][] = [
    [INIT, `token = "S3cr3t-plain\nk = 1`, /^The fragment is not valid TOML \(line 1, column \d+/],
    [INIT, "", /sets no value/],
    [INIT, "[sources.github]\n", /sets no value/],
    [
      INIT,
      `sources.other = ${JSON.stringify(SECRET)}`,
      /sources\.other is a table in .*gives it a value/,
    ],
    [
      INIT,
      `sources.other.region.x = ${JSON.stringify(SECRET)}`,
      /sources\.other\.region is a value in/,
    ],
    [INIT, `[[sources.list]]\na = ${JSON.stringify(SECRET)}`, /array of tables/],
    ['a = { b = "x" }\n', `a.b = ${JSON.stringify(SECRET)}`, /inside an inline table/],
    [`bad = "S3cr3t-plain\n`, 'k = "v"', /^\.dlt\/secrets\.toml is not valid TOML \(line 1/],
  ];
  for (const [existing, fragment, message] of cases) {
    throws(
      () => mergeTomlFragment(existing, fragment, FILE),
      (e: unknown) =>
        e instanceof UserError && message.test(e.message) && !e.message.includes(SECRET) &&
        !e.message.includes("S3cr3t"),
      `${fragment} -> ${message}`,
    );
  }
});

Deno.test("redactToml() hides every value but placeholders, keeping keys and tables", () => {
  const doc = parse(
    `top = "${"x".repeat(40)}"\n[sources.github]\naccess_token = "<access_token>"\n` +
      `n = 5\nlist = ["a", "b"]\n[[arr]]\nk = "v"\n`,
  );
  const text = redactToml(doc);
  ok(!/"x+"|= 5|"a"|"v"/.test(text), text);
  deepEqual(parse(text), {
    top: REDACTED,
    sources: { github: { access_token: "<access_token>", n: REDACTED, list: REDACTED } },
    arr: [{ k: REDACTED }],
  });
  deepEqual(tomlLeaves(doc).map((l) => dottedKey(l.path)), [
    "top",
    "sources.github.access_token",
    "sources.github.n",
    "sources.github.list",
    "arr",
  ]);
});
