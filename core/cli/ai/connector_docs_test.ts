import { deepEqual, equal, ok } from "node:assert/strict";
import { parse } from "yaml";
import github from "../../../connectors/github.ts";
import { connectorDocs, connectorDocsYaml } from "./connector_docs.ts";

Deno.test("connectorDocsYaml() describes github's endpoints, auth and config", () => {
  const text = connectorDocsYaml(github);
  ok(text.startsWith("# github: "));
  const docs = parse(text);
  equal(docs.connector, "github");
  deepEqual(docs.auth, { type: "bearer", from_config: ["access_token"] });
  const token = docs.config.find((f: { name: string }) => f.name === "access_token");
  equal(token.secret, true);
  equal(token.env, "SOURCES__GITHUB__ACCESS_TOKEN");
  equal(token.file, ".dlt/secrets.toml");
  const issues = docs.resources.find((r: { name: string }) => r.name === "issues");
  equal(issues.path, "repos/{owner}/{repo}/issues");
  equal(issues.method, "GET");
  equal(issues.paginator, "header_link");
  equal(issues.write_disposition, "merge");
  equal(issues.primary_key, "id");
  equal(issues.params.per_page, 100);
  deepEqual(issues.incremental, { start_param: "since", cursor_path: "updated_at" });
});

Deno.test("connectorDocs() never shows a secret value", () => {
  const docs = connectorDocs({
    name: "x",
    config: { key: { secret: true, default: "s3cr3t" } },
    client: {
      base_url: "https://api.example.com/",
      auth: { type: "api_key", name: "X-Key", api_key: "literal-secret", location: "query" },
    },
    resources: ["users"],
  });
  const text = JSON.stringify(docs);
  ok(!text.includes("s3cr3t") && !text.includes("literal-secret"), text);
  deepEqual(docs.auth, { type: "api_key", location: "query", name: "X-Key" });
  deepEqual(docs.resources, [{
    name: "users",
    method: "GET",
    path: "users",
    paginator: "auto-detected",
    write_disposition: "append",
  }]);
});
