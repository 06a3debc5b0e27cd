import { equal, match, rejects } from "node:assert/strict";
import { join } from "node:path";
import { defaultDeps } from "../deps.ts";
import { UserError } from "../errors.ts";
import { addConnectorCommand } from "./add.ts";
import type { CliContext } from "./context.ts";

interface TestContext extends CliContext, AsyncDisposable {
  out: () => string;
}

async function context(): Promise<TestContext> {
  const dir = await Deno.makeTempDir({ prefix: "dltx_add_" });
  let out = "";
  return {
    args: [],
    env: {},
    cwd: dir,
    stdout: { isTerminal: false, write: (t) => void (out += t) },
    stderr: { isTerminal: false, write: () => {} },
    deps: { ...defaultDeps, fetch: () => Promise.reject(new Error("no network in this test")) },
    out: () => out,
    async [Symbol.asyncDispose]() {
      await Deno.remove(dir, { recursive: true });
    },
  };
}

Deno.test("addConnectorCommand() copies a built-in and reports it", async () => {
  await using ctx = await context();
  equal(await addConnectorCommand(ctx, "demo", {}), 0);
  match(
    ctx.out(),
    /^Added connector "demo" \(built-in demo, version [\d.]+\) to \.dltx\/connectors\/demo\/: demo\.md, demo\.ts\n/,
  );
  match(ctx.out(), /Run it with: dltx run demo\n$/);
  const source = await Deno.readTextFile(join(ctx.cwd, ".dltx/connectors/demo/demo.ts"));
  match(
    source,
    /^\/\/ The built-in "demo" connector of dltx [\d.]+, copied by `dltx add connector demo`\./,
  );
  equal(await addConnectorCommand(ctx, "demo", { update: true }), 0);
  match(
    ctx.out(),
    /Connector "demo" is up to date \(built-in demo, version [\d.]+\); nothing changed\n$/,
  );
});

Deno.test("addConnectorCommand() rejects flag mixes and unknown connectors to update", async () => {
  await using ctx = await context();
  await rejects(
    addConnectorCommand(ctx, "demo", { update: true, pin: true }),
    (e: Error) => e instanceof UserError && e.message === "Use either --update or --pin, not both",
  );
  await rejects(
    addConnectorCommand(ctx, "demo", { update: true, name: "x" }),
    /--name applies when adding a connector, not with --update or --pin/,
  );
  await rejects(
    addConnectorCommand(ctx, "shop", { update: true }),
    /Cannot update "shop": it is not in dltx\.lock \(pinned: none\); add it with `dltx add connector shop`/,
  );
  await rejects(
    addConnectorCommand(ctx, "nope", {}),
    /Unknown connector "nope": not a built-in connector \(demo/,
  );
});
