/**
 * The built-in `github` connector: issues (incremental on `updated_at`), their comments, pull
 * requests, releases and stargazers of one repository, through the GitHub REST API, or a
 * GitHub Enterprise Server's (`base_url`). Pages follow the `Link` header, 100 items each.
 * See `connectors/github.md`.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import github from "./github.ts";
 * equal(github.name, "github");
 * ```
 *
 * @module
 */

// Type-only import: a connector module has no runtime imports, so it loads as a plugin anywhere.
import type { Connector } from "../core/source/types.ts";

/** The `github` connector (a dlt `RESTAPIConfig` plus metadata). */
const github: Connector = {
  name: "github",
  version: "0.1.0",
  description: "GitHub issues, comments, pull requests, releases and stargazers of one repository",
  docs_url: "connectors/github.md",
  config: {
    owner: { doc: "Owner of the repository: a user or an organization, e.g. dlt-hub" },
    repo: { doc: "Name of the repository, e.g. dlt" },
    access_token: {
      secret: true,
      // Optional: public repositories load without one, at 60 requests an hour.
      default: null,
      doc: "Personal access token (github.com > Settings > Developer settings > Personal " +
        "access tokens; read access to issues, pull requests and metadata is enough)",
    },
    base_url: {
      default: "https://api.github.com",
      doc: "API root; https://<host>/api/v3 for GitHub Enterprise Server",
    },
  },
  client: {
    base_url: "{base_url}",
    headers: { Accept: "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28" },
    auth: { type: "bearer", token: "{access_token}" },
    paginator: "header_link",
  },
  // Merge on id: a run updates the rows of issues, pull requests and comments that changed.
  resource_defaults: {
    primary_key: "id",
    write_disposition: "merge",
    endpoint: { params: { per_page: 100 } },
  },
  resources: [
    {
      name: "issues",
      endpoint: {
        path: "repos/{owner}/{repo}/issues",
        params: {
          state: "all",
          sort: "updated",
          direction: "asc",
          // The first run sends no `since` (everything); later runs only what changed since.
          since: { type: "incremental", cursor_path: "updated_at" },
        },
      },
      // GitHub lists pull requests among the issues; they have their own resource.
      processing_steps: [{ filter: (issue) => issue.pull_request === undefined }],
    },
    {
      // Only the issues of this run, so only the comments of new or updated issues.
      name: "comments",
      endpoint: { path: "repos/{owner}/{repo}/issues/{resources.issues.number}/comments" },
      include_from_parent: ["number"],
    },
    {
      name: "pull_requests",
      endpoint: {
        path: "repos/{owner}/{repo}/pulls",
        params: { state: "all", sort: "updated", direction: "desc" },
      },
      // No `since` on /pulls: newest first, and the run stops at the first one already loaded.
      incremental: { cursor_path: "updated_at", row_order: "desc" },
    },
    { name: "releases", endpoint: { path: "repos/{owner}/{repo}/releases" } },
    {
      name: "stargazers",
      endpoint: {
        path: "repos/{owner}/{repo}/stargazers",
        // This media type adds `starred_at` and moves the user into `user`.
        headers: { Accept: "application/vnd.github.star+json" },
      },
      // Replace: a user who unstarred disappears from the table.
      write_disposition: "replace",
      processing_steps: [{ map: userWithStarredAt }],
    },
  ],
};

/** `{starred_at, user: {...}}` -> the user's fields and `starred_at`, so `id` is the user's. */
function userWithStarredAt(record: Record<string, unknown>): Record<string, unknown> {
  const user = record.user;
  if (user === null || typeof user !== "object") return record;
  return { ...user as Record<string, unknown>, starred_at: record.starred_at };
}

export default github;
