import { equal } from "node:assert/strict";
import { resourceNames, singular, snakeCase } from "./_names.ts";

Deno.test("snakeCase() turns camelCase, kebab-case and dots into snake_case identifiers", () => {
  equal(snakeCase("customerAccounts"), "customer_accounts");
  equal(snakeCase("user-name"), "user_name");
  equal(snakeCase("HTTPStatus"), "http_status");
  equal(snakeCase("@odata.nextLink"), "odata_next_link");
  equal(snakeCase("1_day"), "_1_day");
  equal(snakeCase("{}"), "");
});

Deno.test("singular() handles the common English endings and leaves the rest", () => {
  equal(singular("issues"), "issue");
  equal(singular("categories"), "category");
  equal(singular("addresses"), "address");
  equal(singular("boxes"), "box");
  equal(singular("status"), "status");
  equal(singular("analysis"), "analysis");
  equal(singular("data"), "data");
});

Deno.test("resourceNames() names a path by its last segment while that is unique", () => {
  const names = resourceNames(["/customers", "/customers/{id}", "/customers/{id}/orders"]);
  equal(names.get("/customers"), "customers");
  // A path ending in a parameter asks for one entity: the singular.
  equal(names.get("/customers/{id}"), "customer");
  equal(names.get("/customers/{id}/orders"), "orders");
});

Deno.test("resourceNames() qualifies clashing names with the segments before them", () => {
  const names = resourceNames([
    "/issues",
    "/repos/{owner}/{repo}/issues",
    "/orgs/{org}/issues",
    "/repos/{owner}/{repo}/issues/comments",
    "/repos/{owner}/{repo}/issues/{issue_number}/comments",
  ]);
  equal(names.get("/issues"), "issues");
  equal(names.get("/repos/{owner}/{repo}/issues"), "repo_issues");
  equal(names.get("/orgs/{org}/issues"), "org_issues");
  equal(names.get("/repos/{owner}/{repo}/issues/comments"), "issues_comments");
  equal(names.get("/repos/{owner}/{repo}/issues/{issue_number}/comments"), "issue_comments");
});

Deno.test("resourceNames() tells apart paths that differ only in their parameters", () => {
  const names = resourceNames([
    "/user/repos",
    "/users/{username}/repos",
    "/codes_of_conduct",
    "/codes_of_conduct/{key}",
    "/",
  ]);
  equal(names.get("/user/repos"), "user_repos");
  equal(names.get("/users/{username}/repos"), "users_repos");
  equal(names.get("/codes_of_conduct"), "codes_of_conduct");
  equal(names.get("/codes_of_conduct/{key}"), "codes_of_conduct_key");
  equal(names.get("/"), "root");
  equal(new Set(names.values()).size, 5);
});

Deno.test("resourceNames() numbers what nothing else tells apart, keeping names unique", () => {
  const names = resourceNames(["/a/{x}", "/a/{y}"]);
  equal(names.get("/a/{x}"), "a_x");
  equal(names.get("/a/{y}"), "a_y");
  const same = resourceNames(["/items.json", "/items.xml"]);
  equal(new Set(same.values()).size, 2);
});
