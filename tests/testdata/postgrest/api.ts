/**
 * A local stand-in for PostgREST (and Supabase's REST API in front of it) over the recorded
 * fixtures of this folder: `GET /<table>` with `Range`/`Range-Unit`, `order`, `limit`/`offset`
 * and `Prefer: count=exact`; `POST /rpc/<function>` (which ignores `Range`, as PostgREST does
 * on POST); a `db-max-rows` cap; `Content-Range` and 200/206/416 as PostgREST computes them;
 * `Accept-Profile` schemas; JWT and Supabase `apikey` checks; PostgREST's error bodies; its
 * OpenAPI description at the root.
 *
 * @module
 */

import { type FixtureServer, json, serve } from "../../_helpers.ts";

type Row = Record<string, unknown>;

const DIR = new URL("./", import.meta.url);
const SCHEMAS = ["public", "api"];

/** Options of {@linkcode startPostgrest}. */
export interface PostgrestOptions {
  /** Path prefix: `/rest/v1` on Supabase. @default "" */
  prefix?: string;
  /** The JWT accepted as `Authorization: Bearer`; requests without one run as the anon role. */
  jwt: string;
  /** Supabase: the key every request must send as `apikey`. */
  apiKey?: string;
  /** PostgREST's `db-max-rows`. @default 10 */
  maxRows?: number;
}

/** Starts the stand-in on 127.0.0.1 with the fixtures as tables and one rpc function. */
export async function startPostgrest(options: PostgrestOptions): Promise<FixtureServer> {
  const { prefix = "", jwt, apiKey, maxRows = 10 } = options;
  const read = async (name: string) =>
    JSON.parse(await Deno.readTextFile(new URL(name, DIR))) as Row[];
  const tables: Record<string, Row[]> = {
    customers: await read("customers.json"),
    orders: await read("orders.json"),
  };
  const functions: Record<string, Row[]> = { top_customers: await read("rpc_top_customers.json") };
  const openapi = await Deno.readTextFile(new URL("openapi.json", DIR));
  return serve(async (req) => {
    const denied = checkAuth(req, jwt, apiKey);
    if (denied) return denied;
    const url = new URL(req.url);
    const schema = req.headers.get(req.method === "POST" ? "content-profile" : "accept-profile") ??
      "public";
    if (!SCHEMAS.includes(schema)) {
      return error(
        406,
        "PGRST106",
        `The schema must be one of the following: ${SCHEMAS.join(", ")}`,
      );
    }
    const path = url.pathname.startsWith(prefix) ? url.pathname.slice(prefix.length + 1) : "";
    // PostgREST describes itself at its root, as Swagger 2.0 (openapi.json, as PostgREST 12
    // writes it for these tables, with its default host).
    if (path === "" && req.method === "GET") {
      return new Response(openapi, {
        headers: { "content-type": "application/openapi+json; charset=utf-8" },
      });
    }
    const fn = path.match(/^rpc\/(\w+)$/)?.[1];
    if (fn !== undefined) {
      if (req.method !== "POST") return error(405, "PGRST101", "Cannot use the GET method on RPC");
      await req.json(); // the arguments: none
      const rows = functions[fn];
      if (!rows) {
        return error(
          404,
          "PGRST202",
          `Could not find the function ${schema}.${fn} without parameters in the schema cache`,
        );
      }
      // POST ignores Range; limit/offset apply.
      return answer(rows, queryRange(url), maxRows, undefined);
    }
    const rows = tables[path];
    if (!rows) {
      const hint = Object.keys(tables).find((t) => t.startsWith(path.slice(0, 3)));
      return error(
        404,
        "PGRST205",
        `Could not find the table '${schema}.${path}' in the schema cache`,
        hint ? `Perhaps you meant the table '${schema}.${hint}'` : null,
      );
    }
    const range = headerRange(req.headers.get("range")) ?? queryRange(url);
    const counted = (req.headers.get("prefer") ?? "").includes("count=exact");
    return answer(
      ordered(rows, url.searchParams.get("order")),
      range,
      maxRows,
      counted ? rows.length : undefined,
    );
  });
}

/** Supabase checks `apikey` first; PostgREST then checks the JWT, if any. */
function checkAuth(req: Request, jwt: string, apiKey: string | undefined): Response | undefined {
  if (apiKey !== undefined) {
    const key = req.headers.get("apikey");
    if (key === null) {
      return json({
        message: "No API key found in request",
        hint: "No `apikey` request header or url param was found.",
      }, { status: 401 });
    }
    if (key !== apiKey) {
      return json({
        message: "Invalid API key",
        hint: "Double check your Supabase `anon` or `service_role` API key.",
      }, { status: 401 });
    }
  }
  const auth = req.headers.get("authorization");
  if (auth !== null && auth !== `Bearer ${jwt}`) {
    return new Response(
      JSON.stringify({
        code: "PGRST301",
        details: "None of the keys was able to decode the JWT",
        hint: null,
        message: "No suitable key or wrong key type",
      }),
      {
        status: 401,
        headers: {
          "content-type": "application/json; charset=utf-8",
          "www-authenticate":
            'Bearer error="invalid_token", error_description="No suitable key or wrong key type"',
        },
      },
    );
  }
  return undefined;
}

interface Range {
  lower: number;
  upper: number | undefined;
}

/** PostgREST's `^([0-9]+)-([0-9]*)$`; anything else means all rows. */
function headerRange(header: string | null): Range | undefined {
  const match = header?.match(/^(\d+)-(\d*)$/);
  if (!match) return undefined;
  return { lower: Number(match[1]), upper: match[2] === "" ? undefined : Number(match[2]) };
}

function queryRange(url: URL): Range {
  const offset = Number(url.searchParams.get("offset") ?? 0);
  const limit = url.searchParams.get("limit");
  return { lower: offset, upper: limit === null ? undefined : offset + Number(limit) - 1 };
}

/** `order=<column>.<asc|desc>`; without it, rows come in storage order. */
function ordered(rows: Row[], order: string | null): Row[] {
  if (order === null) return rows;
  const [column, direction = "asc"] = order.split(".");
  const sign = direction === "desc" ? -1 : 1;
  return [...rows].sort((a, b) => sign * ((a[column] as number) - (b[column] as number)));
}

/** The rows of a range, with PostgREST's Content-Range and status. */
function answer(rows: Row[], range: Range, maxRows: number, total: number | undefined): Response {
  const { lower } = range;
  const end = Math.min(range.upper === undefined ? Infinity : range.upper + 1, lower + maxRows);
  const page = rows.slice(lower, end);
  const upper = lower + page.length - 1;
  const shown = total !== 0 && lower <= upper ? `${lower}-${upper}` : "*";
  const headers = {
    "content-type": "application/json; charset=utf-8",
    "content-range": `${shown}/${total ?? "*"}`,
    server: "postgrest/12.2.3",
  };
  if (total !== undefined && lower > total) {
    return new Response(
      JSON.stringify({
        code: "PGRST103",
        details: `An offset of ${lower} was requested, but there are only ${total} rows.`,
        hint: null,
        message: "Requested range not satisfiable",
      }),
      { status: 416, headers },
    );
  }
  const status = total !== undefined && page.length < total ? 206 : 200;
  return new Response(JSON.stringify(page), { status, headers });
}

function error(
  status: number,
  code: string,
  message: string,
  hint: string | null = null,
): Response {
  return json({ code, details: null, hint, message }, { status });
}
