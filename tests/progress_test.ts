import { deepStrictEqual, equal, match, ok } from "node:assert/strict";
import { join } from "node:path";
import { screen } from "../core/cli/_progress_testing.ts";
import { type CliResult, json, REPO, serve, type TempProject, tempProject } from "./_helpers.ts";

const ENTRY = join(REPO, "tests", "testdata", "progress_entry.ts");
const LOG_LINE = /^items: \d+ records, \d+ pages \| Time: \d+\.\d\ds \| Rate: \d+\.\d\d\/s$/m;

/** Four pages of items, 30 ms apart, after one 429 that asks for no wait. */
/** Answers 429 to the first request of every run (a request without `page`). */
function api() {
  const seen = new Set<string>();
  return serve(async (req) => {
    const run = req.headers.get("x-run") ?? "";
    if (!new URL(req.url).searchParams.has("page") && !seen.has(run)) {
      seen.add(run);
      return json({ message: "slow down" }, { status: 429, headers: { "retry-after": "0" } });
    }
    const url = new URL(req.url);
    const page = Number(url.searchParams.get("page") ?? 1);
    await new Promise((resolve) => setTimeout(resolve, 30));
    return json({
      data: [{ id: page * 2 - 1 }, { id: page * 2 }],
      next: page < 4 ? `${url.origin}/items?page=${page + 1}` : null,
    });
  });
}

async function connector(p: TempProject, baseUrl: string): Promise<string> {
  return await p.writeConnector({
    name: "progress",
    client: { base_url: baseUrl, headers: { "X-Run": "{run}" } },
    config: { run: { default: "" } },
    resources: ["items"],
  });
}

/** Runs the stand-in entry (createProgress + pipeline) with stderr and stdout piped. */
async function runEntry(
  p: TempProject,
  args: string[],
  env: Record<string, string> = {},
): Promise<CliResult> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--config", join(REPO, "deno.json"), ENTRY, ...args],
    cwd: p.dir,
    env: { ...p.env, ...env },
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  return { code: out.code, stdout: decoder.decode(out.stdout), stderr: decoder.decode(out.stderr) };
}

Deno.test("progress is off when stderr is a pipe: no ANSI codes, no progress lines", async () => {
  await using server = api();
  await using p = await tempProject();
  const res = await runEntry(p, [await connector(p, server.url)]);
  equal(res.code, 0, res.stderr);
  ok(!res.stderr.includes("\x1b"), JSON.stringify(res.stderr));
  ok(!LOG_LINE.test(res.stderr), "a run shorter than 5 s prints no progress line");
  // The 429 halves the requests allowed in flight; it asks for no wait, so no pause.
  match(
    res.stderr,
    /^http:\/\/127\.0\.0\.1:\d+ is rate limited: allowing 4 request\(s\) in flight to it$/m,
  );
  match(res.stdout, /^Pipeline progress_pipeline load step completed/);
  ok(!res.stdout.includes("records,"));
});

Deno.test("PROGRESS=log prints a progress line per interval", async () => {
  await using server = api();
  await using p = await tempProject();
  const res = await runEntry(p, [await connector(p, server.url), "--interval-ms", "40"], {
    PROGRESS: "log",
  });
  equal(res.code, 0, res.stderr);
  match(res.stderr, LOG_LINE);
  ok(!res.stderr.includes("\x1b"));
});

Deno.test("PROGRESS=bar draws live lines on stderr and erases them at the end", async () => {
  await using server = api();
  await using p = await tempProject();
  const res = await runEntry(p, [await connector(p, server.url)], { PROGRESS: "bar" });
  equal(res.code, 0, res.stderr);
  match(res.stderr, /items: \d pages, \d+ records, \d+ rows\/s/);
  ok(!screen(res.stderr).some((line) => line.includes("rows/s")), "the bar is erased");
  ok(!res.stdout.includes("\x1b"));
});

Deno.test("--log-format json writes one JSON object per event and message on stderr", async () => {
  await using server = api();
  await using p = await tempProject();
  const res = await runEntry(p, [await connector(p, server.url), "--log-format", "json"]);
  equal(res.code, 0, res.stderr);
  const lines = res.stderr.trimEnd().split("\n").map((line) => JSON.parse(line));
  for (const line of lines) ok(!Number.isNaN(Date.parse(line.ts)), JSON.stringify(line));
  const kinds = new Set(lines.map((line) => line.event ?? `log:${line.level}`));
  for (
    const kind of [
      "request",
      "rate_limit_wait",
      "page",
      "schema_change",
      "stage",
      "load_done",
      "log:info",
    ]
  ) ok(kinds.has(kind), `no ${kind} in ${[...kinds]}`);
  const pages = lines.filter((line) => line.event === "page");
  deepStrictEqual(pages.at(-1), { ...pages.at(-1), resource: "items", pages: 4, recordsTotal: 8 });
  deepStrictEqual(lines.find((line) => line.event === "load_done").rows, { items: 8 });
  ok(!res.stdout.includes('"event"'));
});

Deno.test({
  name: "dltx run: off on a pipe, PROGRESS=log lines, --log-format json lines, --verbose URLs",
  async fn() {
    await using server = api();
    await using p = await tempProject();
    const file = await connector(p, server.url);
    const plain = await p.dltx(["run", file, "--pipeline", "a"], { SOURCES__PROGRESS__RUN: "a" });
    equal(plain.code, 0, plain.stderr);
    ok(!plain.stderr.includes("\x1b"));
    const verbose = await p.dltx(["run", file, "--pipeline", "b", "--verbose"], {
      SOURCES__PROGRESS__RUN: "b",
    });
    match(verbose.stderr, /^debug: GET http:\/\/127\.0\.0\.1:\d+\/items\?page=2 -> 200 in \d+ ms/m);
    const logged = await p.dltx(["run", file, "--pipeline", "c"], {
      PROGRESS: "log",
      SOURCES__PROGRESS__RUN: "c",
    });
    match(logged.stderr, /is rate limited: allowing 4 request\(s\) in flight to it$/m);
    const machine = await p.dltx(["run", file, "--pipeline", "d", "--log-format", "json"], {
      SOURCES__PROGRESS__RUN: "d",
    });
    equal(machine.code, 0, machine.stderr);
    const events = machine.stderr.trimEnd().split("\n").map((line) => JSON.parse(line));
    ok(events.some((e) => e.event === "load_done"));
  },
});
