/**
 * Helpers for end-to-end tests: spawn the real CLI in a temp project, serve fixtures on
 * 127.0.0.1, and read the resulting DuckDB file.
 *
 * @module
 */

import { join, resolve } from "node:path";
import { openDuckDb } from "../destinations/duckdb/open_duckdb.ts";

/** The repository root. */
export const REPO = new URL("..", import.meta.url).pathname;

/** Result of one CLI run. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A temp project folder with its own pipelines dir and home. */
export interface TempProject {
  dir: string;
  env: Record<string, string>;
  /** Path of a file in the project. */
  path(...parts: string[]): string;
  /** Runs `dltx <args>` in the project. */
  dltx(args: string[], env?: Record<string, string>): Promise<CliResult>;
  /** Writes a connector as JSON and returns its path. */
  writeConnector(connector: unknown, file?: string): Promise<string>;
  /** Runs SQL on a DuckDB file of the project (default `<pipeline>.duckdb`). */
  query(dbFile: string, sql: string): Promise<Record<string, unknown>[]>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Env vars Deno reads for TLS trust and proxies (`deno check` of a project may download). */
const NETWORK_ENV = [
  "DENO_CERT",
  "DENO_TLS_CA_STORE",
  "NODE_EXTRA_CA_CERTS",
  "HTTPS_PROXY",
  "HTTP_PROXY",
  "NO_PROXY",
  "https_proxy",
  "http_proxy",
  "no_proxy",
];

function passThroughEnv(names: readonly string[]): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const name of names) {
    const value = Deno.env.get(name);
    if (value !== undefined) kept[name] = value;
  }
  return kept;
}

/** Creates a temp project; `await using p = await tempProject()` removes it afterwards. */
export async function tempProject(): Promise<TempProject> {
  const dir = await Deno.makeTempDir({ prefix: "dltx_e2e_" });
  const home = join(dir, "_home");
  await Deno.mkdir(home);
  const env: Record<string, string> = {
    PATH: Deno.env.get("PATH") ?? "",
    HOME: home,
    // Keep Deno's module cache where it is, though HOME moved.
    DENO_DIR: Deno.env.get("DENO_DIR") ?? join(Deno.env.get("HOME") ?? "/root", ".cache", "deno"),
    DLTX_PIPELINES_DIR: join(dir, "_pipelines"),
    NO_COLOR: "1",
    // A machine whose registry access needs its own certificates or proxy keeps them.
    ...passThroughEnv(NETWORK_ENV),
  };
  return {
    dir,
    env,
    path: (...parts) => join(dir, ...parts),
    dltx: (args, extra = {}) => runDltx(args, { cwd: dir, env: { ...env, ...extra } }),
    async writeConnector(connector, file = "connector.json") {
      const path = join(dir, file);
      await Deno.writeTextFile(path, JSON.stringify(connector, null, 2));
      return path;
    },
    async query(dbFile, sql) {
      const db = await openDuckDb(resolve(dir, dbFile));
      try {
        return await db.query(sql);
      } finally {
        await db.close();
      }
    },
    async [Symbol.asyncDispose]() {
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    },
  };
}

/**
 * How long a spawned process may run before the test kills it: far above any test's real
 * runtime on a loaded 2-core machine, so it only fires on a hang, and fails that test with a
 * message instead of stalling the whole suite until CI's limit.
 */
export const SPAWN_TIMEOUT_MS = 300_000;

/**
 * Runs a command to its end and collects its output, killing it after
 * {@linkcode SPAWN_TIMEOUT_MS} (the test then fails naming the command).
 */
export async function runToEnd(
  cmd: string,
  args: string[],
  options: { cwd: string; env: Record<string, string> },
): Promise<CliResult> {
  const signal = AbortSignal.timeout(SPAWN_TIMEOUT_MS);
  const out = await new Deno.Command(cmd, {
    args,
    cwd: options.cwd,
    env: options.env,
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
    signal,
  }).output();
  const decoder = new TextDecoder();
  const result = {
    code: out.code,
    stdout: decoder.decode(out.stdout),
    stderr: withoutDenoLockWaits(decoder.decode(out.stderr)),
  };
  if (signal.aborted) {
    throw new Error(
      `${[cmd, ...args].join(" ")} did not exit within ${SPAWN_TIMEOUT_MS / 1000} s; ` +
        `its stderr:\n${result.stderr.slice(-2000)}`,
    );
  }
  return result;
}

/** The command line that runs this checkout's CLI: `deno run -A --config deno.json main.ts`. */
export const DLTX_ARGV: readonly string[] = [
  Deno.execPath(),
  "run",
  "-A",
  "--config",
  join(REPO, "deno.json"),
  join(REPO, "main.ts"),
];

/** Quotes one argument for a POSIX shell: in single quotes, each `'` written as `'\''`. */
export function shQuote(arg: string): string {
  return `'${arg.replaceAll("'", "'\\''")}'`;
}

/** Spawns `deno run -A main.ts <args>` and collects its output. */
export function runDltx(
  args: string[],
  options: { cwd: string; env: Record<string, string> },
): Promise<CliResult> {
  const [cmd, ...base] = DLTX_ARGV;
  return runToEnd(cmd, [...base, ...args], options);
}

/**
 * Starts `dltx <args>` without waiting for it (a run to kill, or to watch while it runs);
 * its output is piped, or dropped with `output: "null"`.
 */
export function spawnDltx(
  args: string[],
  options: { cwd: string; env: Record<string, string>; output?: "piped" | "null" },
): Deno.ChildProcess {
  const [cmd, ...base] = DLTX_ARGV;
  const output = options.output ?? "piped";
  return new Deno.Command(cmd, {
    args: [...base, ...args],
    cwd: options.cwd,
    env: options.env,
    clearEnv: true,
    stdout: output,
    stderr: output,
  }).spawn();
}

/**
 * Deno's own line when another test's process holds the `node_modules` lock, which the CLI
 * never prints: tests that count the CLI's stderr lines must not see it.
 */
function withoutDenoLockWaits(stderr: string): string {
  return stderr.replace(/^Blocking waiting for file lock on node_modules directory\r?\n/gm, "");
}

/** What a fixture server remembers of a request. */
export interface RecordedRequest {
  method: string;
  url: string;
  headers: Headers;
}

/** A fixture server on 127.0.0.1 with a random port. */
export interface FixtureServer {
  url: string;
  /** Every request received, in order. */
  requests: RecordedRequest[];
  [Symbol.asyncDispose](): Promise<void>;
}

/** Serves `handler` on 127.0.0.1:<random>; `await using` shuts it down. */
export function serve(handler: (req: Request) => Response | Promise<Response>): FixtureServer {
  const requests: RecordedRequest[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
    requests.push({ method: req.method, url: req.url, headers: new Headers(req.headers) });
    return handler(req);
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    requests,
    async [Symbol.asyncDispose]() {
      await server.shutdown();
    },
  };
}

/**
 * Answers one route of {@linkcode serveApi}: a `Response` is sent as it is, anything else as a
 * JSON body with status 200.
 *
 * @param url the request's URL (query parameters in `url.searchParams`).
 * @param params the path's named groups, e.g. `id` of `/tickets/:id/comments`.
 * @param req the request.
 */
export type RouteHandler = (
  url: URL,
  params: Record<string, string | undefined>,
  req: Request,
) => unknown;

/**
 * A JSON fixture API on 127.0.0.1:<random>, the server most end-to-end tests need: `routes` maps
 * path patterns (URLPattern syntax: `/items`, `/tickets/:id/comments`) to handlers, and a path
 * no route matches gets `404 {"message":"not found"}`. A single handler answers every path.
 * Requests are recorded; `await using` shuts it down.
 *
 * @example Usage
 * ```ts ignore
 * await using server = serveApi({
 *   "/items": (url) => ITEMS.filter((i) => i.updated_at > (url.searchParams.get("since") ?? "")),
 *   "/tags": () => [{ tag: "x" }],
 * });
 * ```
 */
export function serveApi(routes: Record<string, RouteHandler> | RouteHandler): FixtureServer {
  const table = typeof routes === "function"
    ? [{ pattern: new URLPattern({ pathname: "*" }), handler: routes }]
    : Object.entries(routes).map(([pathname, handler]) => ({
      pattern: new URLPattern({ pathname }),
      handler,
    }));
  return serve(async (req) => {
    const url = new URL(req.url);
    for (const { pattern, handler } of table) {
      const match = pattern.exec({ pathname: url.pathname });
      if (!match) continue;
      const answer = await handler(url, match.pathname.groups, req);
      return answer instanceof Response ? answer : json(answer);
    }
    return json({ message: "not found" }, { status: 404 });
  });
}

/** A JSON response. */
export function json(body: unknown, init: ResponseInit = {}): Response {
  const headers = new Headers(init.headers);
  headers.set("content-type", "application/json");
  return new Response(JSON.stringify(body), { ...init, headers });
}

/** sha256 of a file, or `undefined` when it does not exist. */
export async function fileHash(path: string): Promise<string | undefined> {
  try {
    const bytes = await Deno.readFile(path);
    const digest = await crypto.subtle.digest("SHA-256", bytes);
    return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return undefined;
    throw err;
  }
}
