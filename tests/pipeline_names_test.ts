/**
 * Pipeline names are folder names: every command that takes one refuses a name that would
 * leave the pipelines folder or make nested folders, with one clear error, before writing
 * anything.
 */
import { deepEqual, equal, match } from "node:assert/strict";
import { json, serve, tempProject } from "./_helpers.ts";

async function listTree(dir: string, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    const path = `${prefix}${entry.name}`;
    out.push(path);
    if (entry.isDirectory) out.push(...await listTree(`${dir}/${entry.name}`, `${path}/`));
  }
  return out.sort();
}

Deno.test("bad pipeline names fail with one error in every command, writing nothing", async () => {
  await using server = serve(() => json([{ id: 1 }]));
  await using p = await tempProject();
  const connector = await p.writeConnector({
    name: "tiny",
    client: { base_url: server.url, paginator: "single_page" },
    resources: ["items"],
  });
  const before = await listTree(p.dir);
  const bad: [string, RegExp][] = [
    ["../../x", /contains a path separator/],
    ["a/b", /contains a path separator/],
    ["..", /current or parent folder/],
  ];
  for (const [name, reason] of bad) {
    const commands = [
      ["run", connector, "--pipeline", name],
      ["load", "-", "--table", "t", "--pipeline", name],
      ["pipeline", name, "info"],
      ["pipeline", name, "sync"],
      ["pipeline", name, "drop", "items", "--yes"],
      ["query", name, "SELECT 1"],
    ];
    for (const args of commands) {
      const res = await p.dltx(args);
      equal(res.code, 1, `${args.join(" ")}: ${res.stderr}`);
      const expected = `error: Invalid pipeline name ${JSON.stringify(name)}: `;
      equal(res.stderr.startsWith(expected), true, `${args.join(" ")}: ${res.stderr}`);
      match(res.stderr, reason);
      match(res.stderr, /use only letters, digits, "_", "-" and "\."/);
      equal(res.stderr.trim().split("\n").length, 1, res.stderr);
    }
  }
  equal(server.requests.length, 0, "no request before the name was checked");
  deepEqual(await listTree(p.dir), before, "nothing was written anywhere");
});

Deno.test("a name with dots, dashes and digits works", async () => {
  await using server = serve(() => json([{ id: 1 }]));
  await using p = await tempProject();
  const connector = await p.writeConnector({
    name: "tiny",
    client: { base_url: server.url, paginator: "single_page" },
    resources: ["items"],
  });
  const res = await p.dltx(["run", connector, "--pipeline", "Tiny-2.v1_x"]);
  equal(res.code, 0, res.stderr);
  const info = await p.dltx(["pipeline", "Tiny-2.v1_x", "info"]);
  equal(info.code, 0, info.stderr);
  const rows = await p.query("Tiny-2.v1_x.duckdb", 'SELECT id FROM "Tiny-2.v1_x_dataset".items');
  deepEqual(rows.map((r) => Number(r.id)), [1]);
});
