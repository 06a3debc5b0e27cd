import { equal, match } from "node:assert/strict";
import { operation } from "./_testing.ts";
import { findParent, type ParentCandidate } from "./parents.ts";
import type { Schema } from "./types.ts";

function candidate(path: string, properties: Record<string, Schema>): ParentCandidate {
  return { operation: operation(path), item: { type: "object", properties } };
}

const issues = candidate("/repos/{owner}/{repo}/issues", { id: {}, number: {}, title: {} });
const users = candidate("/users", { id: {}, login: {} });

Deno.test("findParent() links a path param to the parent's field it names", () => {
  const match1 = findParent(operation("/repos/{owner}/{repo}/issues/{issue_number}/comments"), [
    issues,
    users,
  ]);
  equal(match1 && "link" in match1 && match1.link.field, "number");
  equal(match1 && "link" in match1 && match1.link.param, "issue_number");
  equal(match1 && "link" in match1 && match1.link.parent, issues);
  const camel = findParent(operation("/users/{userId}/orders"), [users]);
  equal(camel && "link" in camel && camel.link.field, "id");
  const same = findParent(operation("/users/{login}/keys"), [users]);
  equal(same && "link" in same && same.link.field, "login");
});

Deno.test("findParent() says why a list endpoint in front of a param is no parent", () => {
  const m = findParent(operation("/users/{username}/repos"), [users]);
  equal(m !== undefined && "note" in m, true);
  match((m as { note: string }).note, /\{username\} could come from the records of users/);
});

Deno.test("findParent() takes the longest list endpoint in front of a param", () => {
  const orders = candidate("/users/{user_id}/orders", { id: {} });
  const m = findParent(operation("/users/{user_id}/orders/{order_id}/lines"), [users, orders]);
  equal(m && "link" in m && m.link.parent, orders);
  equal(m && "link" in m && m.link.param, "order_id");
});

Deno.test("findParent() finds none without a list endpoint in front, or for itself", () => {
  equal(findParent(operation("/orgs/{org}/repos"), [users]), undefined);
  equal(findParent(operation("/users"), [users]), undefined);
  // A parent whose records are not documented has no field to match.
  const undocumented = findParent(operation("/users/{id}"), [{ operation: users.operation }]);
  equal(undocumented !== undefined && "note" in undocumented, true);
});
