/**
 * `dltx pipeline <name> show` and `dltx dashboard`: serves the dashboard on 127.0.0.1, prints
 * its URL, opens it in the browser and runs until interrupted.
 *
 * The dashboard answers its own page only: the Host, Origin, token and content-type checks of
 * `local_server_guard.ts` run on every request. The token is new at every start and travels
 * in the URL's fragment (`#token=...`), which the browser never sends to any server; the page
 * keeps it in its session storage and sends it as `Authorization: Bearer`.
 *
 * @module
 */

import { UserError } from "../../errors.ts";
import type { CliContext } from "../context.ts";
import { openPipelineFolder } from "../pipelines.ts";
import { newToken, serveGuarded } from "../local_server_guard.ts";
import { createDashboardApp } from "./api.ts";

/** Options of the dashboard commands. */
export interface DashboardOptions {
  /** Port to listen on. @default 0 (a free port) */
  port?: string | number;
  /** Open the browser; `--no-open` sets it false. @default true */
  open?: boolean;
}

/**
 * Serves the dashboard of `pipeline` (all pipelines when undefined) until `ctx.signal`
 * aborts (Ctrl-C).
 *
 * @returns the exit code
 * @throws {UserError} for an unknown pipeline or a bad port
 */
export async function dashboardCommand(
  ctx: CliContext,
  pipeline: string | undefined,
  options: DashboardOptions = {},
): Promise<number> {
  const port = parsePort(options.port);
  // Fail now, not in the browser, for a pipeline that does not exist.
  if (pipeline !== undefined) await openPipelineFolder(ctx, pipeline);
  const app = createDashboardApp(ctx, { pipeline });
  const token = newToken();
  await serveGuarded({
    port,
    token,
    handler: (req) => app.fetch(req),
    open: isPage,
    onListening: (bound) => {
      const url = `http://127.0.0.1:${bound}/#token=${token}`;
      ctx.stdout.write(
        `Dashboard of ${pipeline ?? "all pipelines"} at ${url}\nPress Ctrl-C to stop\n`,
      );
      if (options.open !== false) openBrowser(url);
    },
    signal: ctx.signal,
  });
  return 0;
}

/** The page itself needs no token: it holds none, and reads it from the URL it was opened with. */
function isPage(req: Request): boolean {
  return (req.method === "GET" || req.method === "HEAD") && new URL(req.url).pathname === "/";
}

/** Opens `url` in the default browser; failing to is not an error (the URL is printed). */
function openBrowser(url: string): void {
  const [cmd, ...args] = Deno.build.os === "darwin"
    ? ["open", url]
    : Deno.build.os === "windows"
    ? ["cmd", "/c", "start", "", url]
    : ["xdg-open", url];
  try {
    const child = new Deno.Command(cmd, { args, stdout: "null", stderr: "null", stdin: "null" })
      .spawn();
    child.status.catch(() => {});
    child.unref();
  } catch {
    // No browser opener here: the printed URL is enough.
  }
}

function parsePort(port: string | number | undefined): number {
  if (port === undefined) return 0;
  const n = Number(port);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    throw new UserError(
      `--port must be a port number from 0 to 65535, got ${JSON.stringify(port)}`,
    );
  }
  return n;
}
