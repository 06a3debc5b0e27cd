/**
 * A real public spec: GitHub's REST API description from the npm package `@octokit/openapi`
 * (13 MB, 639 GET endpoints). Two of its endpoints become a connector that `validate_connector`
 * accepts and that runs against Prism (`@stoplight/prism-cli`, run with npx under Node), which
 * mocks those two operations of the spec (with the components they use) and answers from the
 * spec's own examples. Prism's example `Link` header points at
 * api.github.com; a small proxy of the test's own points it back at the mock and ends the
 * pages after the second, and the run has a dead HTTPS proxy, so nothing can reach the
 * internet.
 */
import { deepEqual, equal, match } from "node:assert/strict";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { REPO, tempProject } from "./_helpers.ts";

const OCTOKIT = "@octokit/openapi@23.0.2";
const PRISM = "@stoplight/prism-cli@5.16.0";
/** Prism reads the whole spec before it listens: seconds on a quiet machine. */
const PRISM_START_MS = 180_000;
const QUIET_NPM = {
  SCARF_ANALYTICS: "false",
  DO_NOT_TRACK: "1",
  npm_config_update_notifier: "false",
  npm_config_fund: "false",
  npm_config_audit: "false",
};

async function sh(cmd: string, args: string[], cwd: string): Promise<string> {
  const out = await new Deno.Command(cmd, {
    args,
    cwd,
    env: QUIET_NPM,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  if (!out.success) {
    throw new Error(`${cmd} ${args.join(" ")} failed: ${new TextDecoder().decode(out.stderr)}`);
  }
  return text;
}

/** Fetches the package through npm (its cache makes later runs fast) and unpacks the spec. */
async function githubSpec(dir: string): Promise<string> {
  await sh("npm", ["pack", OCTOKIT, "--pack-destination", dir, "--silent"], dir);
  const tgz = [...Deno.readDirSync(dir)].find((e) => e.name.endsWith(".tgz"))!.name;
  await sh("tar", ["-xzf", tgz, "package/generated/api.github.com.json"], dir);
  return join(dir, "package/generated/api.github.com.json");
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

/**
 * The spec cut down to some paths and the components they use (`$ref`s followed), unchanged
 * otherwise: Prism reads every component before it listens, which takes it most of a minute
 * on GitHub's spec and a second on this.
 */
async function mockSpec(spec: string, paths: string[]): Promise<string> {
  const doc = JSON.parse(await Deno.readTextFile(spec));
  const used = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (typeof node !== "object" || node === null) return;
    for (const [key, value] of Object.entries(node)) {
      if (key === "$ref" && typeof value === "string" && !used.has(value)) {
        used.add(value);
        const [, , type, name] = value.split("/");
        visit(doc.components?.[type]?.[name]);
      } else {
        visit(value);
      }
    }
  };
  const kept = Object.fromEntries(paths.map((p) => [p, doc.paths[p]]));
  visit(kept);
  const components: Record<string, Record<string, unknown>> = {};
  for (const ref of used) {
    const [, , type, name] = ref.split("/");
    (components[type] ??= {})[name] = doc.components[type][name];
  }
  const file = spec.replace(/\.json$/, ".mock.json");
  const { openapi, info, servers } = doc;
  await Deno.writeTextFile(
    file,
    JSON.stringify({ openapi, info, servers, paths: kept, components }),
  );
  return file;
}

/** Starts Prism on the spec; resolves once it listens. */
async function startPrism(spec: string, dir: string) {
  // The bin itself, not npx: one process of ours to stop.
  const bin = (await sh("npx", ["-y", "-p", PRISM, "-c", "command -v prism"], dir)).trim();
  const port = freePort();
  const child = new Deno.Command("node", {
    args: [bin, "mock", "-h", "127.0.0.1", "-p", String(port), "--errors", spec],
    cwd: dir,
    env: QUIET_NPM,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let log = "";
  const listening = Promise.withResolvers<void>();
  const drain = async (stream: ReadableStream<Uint8Array>) => {
    for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
      log = (log + chunk).slice(-20_000);
      if (log.includes("Prism is listening")) listening.resolve();
    }
  };
  const drained = Promise.all([drain(child.stdout), drain(child.stderr)]);
  const timer = setTimeout(
    () => listening.reject(new Error(`Prism did not start in time:\n${log}`)),
    PRISM_START_MS,
  );
  child.status.then(() => listening.reject(new Error(`Prism exited:\n${log}`)));
  try {
    await listening.promise;
  } finally {
    clearTimeout(timer);
  }
  return {
    url: `http://127.0.0.1:${port}`,
    async [Symbol.asyncDispose]() {
      child.kill("SIGTERM");
      await child.status;
      await drained;
    },
  };
}

/** Forwards to Prism; its Link header then points here, with a next page only from page 1. */
function linkProxy(target: string) {
  const seen: string[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const url = new URL(req.url);
    seen.push(`${url.pathname}${url.search}`);
    const res = await fetch(new URL(`${url.pathname}${url.search}`, target), {
      headers: { accept: req.headers.get("accept") ?? "application/json" },
    });
    const headers = new Headers(res.headers);
    headers.delete("content-length");
    if (headers.has("link")) {
      const page = Number(url.searchParams.get("page") ?? "1");
      if (page < 2) {
        const next = new URL(url);
        next.searchParams.set("page", String(page + 1));
        headers.set("link", `<${next.href}>; rel="next"`);
      } else {
        headers.delete("link");
      }
    }
    return new Response(await res.arrayBuffer(), { status: res.status, headers });
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    seen,
    async [Symbol.asyncDispose]() {
      await server.shutdown();
    },
  };
}

async function validateWithMcp(cwd: string, env: Record<string, string>, path: string) {
  const transport = new StdioClientTransport({
    command: Deno.execPath(),
    args: ["run", "-A", "--config", join(REPO, "deno.json"), join(REPO, "main.ts"), "mcp"],
    cwd,
    env,
    stderr: "pipe",
  });
  const client = new Client({ name: "dltx-e2e", version: "0" });
  await client.connect(transport);
  try {
    const res = await client.callTool({ name: "validate_connector", arguments: { path } });
    return JSON.parse((res.content as { text: string }[]).map((c) => c.text).join(""));
  } finally {
    await client.close();
  }
}

Deno.test({
  name: "init --openapi on GitHub's spec (@octokit/openapi) runs against a Prism mock of it",
  fn: async () => {
    await using p = await tempProject();
    const work = p.path("_spec");
    await Deno.mkdir(work);
    const spec = await githubSpec(work);

    // Prism reads the spec while dltx generates the connector.
    const prismStarting = mockSpec(spec, [
      "/repos/{owner}/{repo}/issues",
      "/repos/{owner}/{repo}/issues/{issue_number}/comments",
    ]).then((file) => startPrism(file, work));
    const init = await p.dltx([
      "init",
      "--openapi",
      spec,
      "--endpoints",
      "repo_issues,issue_comments",
      "--name",
      "github",
    ]);
    await using prism = await prismStarting;
    equal(init.code, 0, init.stderr);
    match(init.stdout, /github\.yaml +resources repo_issues, issue_comments \(created\)/);

    const valid = await validateWithMcp(p.dir, p.env, "github.yaml");
    equal(valid.valid, true, JSON.stringify(valid));
    deepEqual(
      valid.resources.map((r: { name: string; paginator: string }) => [r.name, r.paginator]),
      [["repo_issues", "header_link"], ["issue_comments", "header_link"]],
    );

    await using proxy = linkProxy(prism.url);
    const dead = "http://127.0.0.1:9";
    const run = await p.dltx(["run", "./github.yaml"], {
      SOURCES__GITHUB__BASE_URL: proxy.url,
      SOURCES__GITHUB__OWNER: "octocat",
      SOURCES__GITHUB__REPO: "hello-world",
      HTTPS_PROXY: dead,
      HTTP_PROXY: dead,
      https_proxy: dead,
      http_proxy: dead,
      NO_PROXY: "127.0.0.1,localhost",
      no_proxy: "127.0.0.1,localhost",
    });
    equal(run.code, 0, run.stderr);
    // Two pages of the one example issue (number 1347); for each issue row, two pages of the
    // one example comment.
    // (Sorted: children of different pages may be fetched concurrently.)
    deepEqual(
      proxy.seen.toSorted(),
      [
        "/repos/octocat/hello-world/issues?per_page=100",
        "/repos/octocat/hello-world/issues?per_page=100&page=2",
        "/repos/octocat/hello-world/issues/1347/comments?per_page=100",
        "/repos/octocat/hello-world/issues/1347/comments?per_page=100&page=2",
        "/repos/octocat/hello-world/issues/1347/comments?per_page=100",
        "/repos/octocat/hello-world/issues/1347/comments?per_page=100&page=2",
      ].toSorted(),
    );
    const rows = await p.query(
      "github_pipeline.duckdb",
      "SELECT (SELECT count(*) FROM github_pipeline_dataset.repo_issues) AS issues, " +
        "(SELECT count(*) FROM github_pipeline_dataset.issue_comments) AS comments, " +
        "(SELECT min(_repo_issues_number) FROM github_pipeline_dataset.issue_comments) AS n, " +
        "(SELECT min(title) FROM github_pipeline_dataset.repo_issues) AS title",
    );
    deepEqual(rows.map((r) => [Number(r.issues), Number(r.comments), Number(r.n), r.title]), [
      [2, 4, 1347, "Found a bug"],
    ]);
  },
});
