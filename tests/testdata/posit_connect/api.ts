/**
 * A local stand-in for the Posit Connect server API (`/__api__`) over the recorded fixtures of
 * this folder: `Authorization: Key <api_key>`, `/v1/content` (with `include=tags,owner`),
 * `/v1/content/<guid>`, `/v1/users` paged by `page_number`/`page_size` (answering
 * `{results, current_page, total}`), `/v1/oauth/integrations`, and Connect's error bodies
 * (`{code, error, payload}`).
 *
 * @module
 */

import { type FixtureServer, json, serve } from "../../_helpers.ts";

type Row = Record<string, unknown>;

const DIR = new URL("./", import.meta.url);
const PREFIX = "/__api__";

/** Starts the stand-in on 127.0.0.1; it accepts `Key <apiKey>`. */
export async function startPositConnect(apiKey: string): Promise<FixtureServer> {
  const read = async (name: string) =>
    JSON.parse(await Deno.readTextFile(new URL(name, DIR))) as Row[];
  const content = await read("content.json");
  const users = await read("users.json");
  const integrations = await read("oauth_integrations.json");
  return serve((req) => {
    if (req.headers.get("authorization") !== `Key ${apiKey}`) {
      return error(401, 24, "The requested operation requires authentication.");
    }
    const url = new URL(req.url);
    const path = url.pathname.startsWith(PREFIX) ? url.pathname.slice(PREFIX.length) : "";
    if (path === "/v1/content") {
      const include = (url.searchParams.get("include") ?? "").split(",");
      return ok(content.map((item) => withIncludes(item, include, users)));
    }
    const guid = path.match(/^\/v1\/content\/([\w-]+)$/)?.[1];
    if (guid !== undefined) {
      const item = content.find((c) => c.guid === guid);
      return item
        ? ok(withIncludes(item, [], users))
        : error(404, 4, "The requested object does not exist.");
    }
    if (path === "/v1/users") {
      const pageSize = Number(url.searchParams.get("page_size") ?? 20);
      if (!(pageSize >= 1 && pageSize <= 500)) {
        return error(400, 13, "The requested range is invalid.");
      }
      // Page 0 or below is page 1.
      const page = Math.max(1, Number(url.searchParams.get("page_number") ?? 1));
      const results = users.slice((page - 1) * pageSize, page * pageSize);
      return ok({ results, current_page: page, total: users.length });
    }
    if (path === "/v1/oauth/integrations") return ok(integrations);
    return error(404, 2, "The requested method or endpoint is not supported.");
  });
}

/** A content item as listed: `tags` and `owner` only when asked for with `include`. */
function withIncludes(item: Row, include: string[], users: Row[]): Row {
  const { tags, ...out } = item;
  if (include.includes("tags")) out.tags = tags;
  if (include.includes("owner")) {
    const owner = users.find((u) => u.guid === item.owner_guid);
    if (owner) {
      const { guid, username, first_name, last_name } = owner;
      out.owner = { guid, username, first_name, last_name };
    }
  }
  return out;
}

function ok(body: unknown): Response {
  return json(body, { headers: { "x-content-type-options": "nosniff" } });
}

function error(status: number, code: number, message: string): Response {
  return json({ code, error: message, payload: null }, { status });
}
