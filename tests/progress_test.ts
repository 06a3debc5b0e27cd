import { deepStrictEqual, equal, match, ok } from "node:assert/strict";
import { screen } from "../core/cli/_progress_testing.ts";
import {
  type CliResult,
  DLTX_ARGV,
  json,
  serve,
  shQuote,
  type TempProject,
  tempProject,
} from "./_helpers.ts";

const ESC = "\x1b";
const LOG_LINE = /^items: \d+ records, \d+ pages \| Time: \d+\.\d\ds \| Rate: \d+\.\d\d\/s$/m;
/** How long a held page waits at most for what the test is waiting for, so a bug fails, not hangs. */
const HOLD_LIMIT_MS = 60_000;

/**
 * Four pages of two items, 30 ms apart, after one 429 that asks for no wait (per `X-Run`).
 * With `hold`, page 3 is answered only once `hold` settles: the run is then in the middle of its
 * resource (2 pages, 4 records) for as long as the test needs to see progress drawn, however
 * slow the machine.
 */
function api(hold?: Promise<unknown>) {
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
    if (page === 3 && hold) await hold;
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

/** A running `dltx` whose stderr (or terminal, with `pty`) the test can wait on. */
interface LiveRun {
  /** Settles when the stream so far matches `pattern`, or after {@linkcode HOLD_LIMIT_MS}. */
  shown(pattern: RegExp): Promise<void>;
  /** The exit code and output; with `pty`, `stderr` is everything the terminal received. */
  result: Promise<CliResult>;
}

/**
 * Spawns the real CLI (`main.ts`) in the project. With `pty`, it runs under util-linux `script`,
 * so stdout and stderr are a pseudo-terminal of 120 columns, as in an interactive shell.
 */
function spawnDltx(
  p: TempProject,
  args: string[],
  options: { env?: Record<string, string>; pty?: boolean } = {},
): LiveRun {
  const argv = [...DLTX_ARGV, ...args];
  const [cmd, ...cmdArgs] = options.pty
    ? ["script", "-q", "-e", "-c", `stty cols 120 rows 40; exec ${argv.map(shQuote).join(" ")}`]
      .concat("/dev/null")
    : argv;
  const child = new Deno.Command(cmd, {
    args: cmdArgs,
    cwd: p.dir,
    env: { ...p.env, ...options.env },
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let watched = "";
  const waiters: { pattern: RegExp; resolve: () => void }[] = [];
  const check = () => {
    for (const w of waiters.filter((w) => w.pattern.test(watched))) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
  };
  const read = async (stream: ReadableStream<Uint8Array>, watch: boolean) => {
    let text = "";
    for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
      text += chunk;
      if (watch) {
        watched = text;
        check();
      }
    }
    return text;
  };
  // On a terminal everything arrives on script's stdout; otherwise progress is on stderr.
  const stdout = read(child.stdout, options.pty ?? false);
  const stderr = read(child.stderr, !options.pty);
  const result = (async () => {
    const [status, out, err] = await Promise.all([child.status, stdout, stderr]);
    for (const w of waiters.splice(0)) w.resolve();
    return options.pty
      ? { code: status.code, stdout: "", stderr: out + err }
      : { code: status.code, stdout: out, stderr: err };
  })();
  return {
    shown(pattern) {
      return new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, HOLD_LIMIT_MS);
        waiters.push({
          pattern,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        });
        check();
      });
    },
    result,
  };
}

/** Runs `dltx run` with a page held until `pattern` shows, then returns the finished run. */
async function runHeldUntil(
  p: TempProject,
  pattern: RegExp,
  options: { env?: Record<string, string>; pty?: boolean } = {},
): Promise<CliResult> {
  let release = () => {};
  const hold = new Promise<void>((resolve) => release = resolve);
  await using server = api(hold);
  const file = await connector(p, server.url);
  const run = spawnDltx(p, ["run", file], options);
  run.shown(pattern).then(release);
  return await run.result;
}

Deno.test("dltx run: progress is off when stderr is a pipe: no ANSI codes, no progress lines", async () => {
  await using server = api();
  await using p = await tempProject();
  const file = await connector(p, server.url);
  const started = performance.now();
  const res = await p.dltx(["run", file]);
  const ms = performance.now() - started;
  equal(res.code, 0, res.stderr);
  ok(!res.stderr.includes("\x1b"), JSON.stringify(res.stderr));
  // The 5 s log interval starts inside the process: a process that lived less cannot have
  // reached it (on a loaded machine the run may outlive it, and then a line is right).
  if (ms < 5000) ok(!LOG_LINE.test(res.stderr), "a run shorter than 5 s prints no progress line");
  // The 429 halves the requests allowed in flight; it asks for no wait, so no pause.
  match(
    res.stderr,
    /^http:\/\/127\.0\.0\.1:\d+ is rate limited: allowing 4 request\(s\) in flight to it$/m,
  );
  match(res.stdout, /^Pipeline progress_pipeline load step completed/);
  ok(!res.stdout.includes("records,"));
});

Deno.test("dltx run: PROGRESS=log prints a progress line per interval", async () => {
  await using p = await tempProject();
  // Page 3 waits for the line of pages 1-2 (the CLI's interval is 5 s).
  const res = await runHeldUntil(p, /^items: 4 records, 2 pages \| /m, {
    env: { PROGRESS: "log" },
  });
  equal(res.code, 0, res.stderr);
  match(res.stderr, LOG_LINE);
  match(res.stderr, /^items: 4 records, 2 pages \| Time: /m);
  ok(!res.stderr.includes("\x1b"));
  match(res.stdout, /^Pipeline progress_pipeline load step completed/);
});

Deno.test("dltx run: PROGRESS=bar draws live lines on stderr and erases them at the end", async () => {
  await using p = await tempProject();
  const res = await runHeldUntil(p, /items: 2 pages, 4 records/, { env: { PROGRESS: "bar" } });
  equal(res.code, 0, res.stderr);
  match(res.stderr, /items: \d pages, \d+ records, \d+ rows\/s/);
  match(res.stderr, /items: 2 pages, 4 records, \d+ rows\/s/);
  ok(!screen(res.stderr).some((line) => line.includes("rows/s")), "the bar is erased");
  ok(!res.stdout.includes("\x1b"));
  match(res.stdout, /^Pipeline progress_pipeline load step completed/);
});

Deno.test("dltx run on a terminal draws the bar without PROGRESS, and TERM=dumb turns it off", async () => {
  await using p = await tempProject();
  const res = await runHeldUntil(p, /items: 2 pages, 4 records/, {
    pty: true,
    env: { TERM: "xterm" },
  });
  equal(res.code, 0, res.stderr);
  match(res.stderr, new RegExp(`${ESC}\\[2Kitems: 2 pages, 4 records, \\d+ rows/s`));
  const shown = screen(res.stderr);
  ok(!shown.some((line) => line.includes("rows/s")), `the bar is erased: ${shown.join("\n")}`);
  ok(shown.some((line) => line.startsWith("Pipeline progress_pipeline load step completed")));

  await using dumbServer = api();
  const dumb = await spawnDltx(p, ["run", await connector(p, dumbServer.url)], {
    pty: true,
    env: { TERM: "dumb" },
  }).result;
  equal(dumb.code, 0, dumb.stderr);
  // Deno itself clears its status line on a terminal (`ESC[0G ESC[2K ESC[J`); dltx draws nothing.
  ok(!dumb.stderr.includes("rows/s"), JSON.stringify(dumb.stderr));
  ok(!new RegExp(`${ESC}\\[\\d*A`).test(dumb.stderr), "no cursor movement of a bar");
  match(dumb.stderr, /is rate limited: allowing 4 request\(s\) in flight to it\r?$/m);
});

Deno.test("dltx run --log-format json writes one JSON object per event and message on stderr", async () => {
  await using server = api();
  await using p = await tempProject();
  const res = await p.dltx(["run", await connector(p, server.url), "--log-format", "json"]);
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
