/**
 * `dltx init --openapi` on a terminal: the endpoint picker (`@clack/prompts`), driven through
 * a pseudo-terminal made by `script` (util-linux): type to filter, Tab to select, Enter.
 */
import { deepEqual, equal, match } from "node:assert/strict";
import { parse } from "yaml";
import { DLTX_ARGV, shQuote, tempProject } from "./_helpers.ts";

const SPEC = new URL("./testdata/openapi/shop.yaml", import.meta.url).pathname;
const hasScript = (() => {
  try {
    return new Deno.Command("script", { args: ["--version"], stdout: "null", stderr: "null" })
      .outputSync().success;
  } catch {
    return false;
  }
})();

/** Runs `dltx <args>` on a pseudo-terminal, typing `keys` once the prompt shows. */
async function onTerminal(
  cwd: string,
  env: Record<string, string>,
  args: string[],
  keys: string[],
) {
  const dltx = [...DLTX_ARGV, ...args].map(shQuote).join(" ");
  const child = new Deno.Command("script", {
    // A terminal of 120 columns, or the prompt has none to draw in.
    args: ["-qfec", `stty cols 120 rows 40; ${dltx}`, "/dev/null"],
    cwd,
    env,
    clearEnv: true,
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let out = "";
  const prompt = Promise.withResolvers<void>();
  const reading = (async () => {
    for await (const chunk of child.stdout.pipeThrough(new TextDecoderStream())) {
      out += chunk;
      if (out.includes("Which endpoints")) prompt.resolve();
    }
    prompt.resolve();
  })();
  const timer = setTimeout(() => prompt.reject(new Error(`no prompt:\n${out}`)), 60_000);
  await prompt.promise.finally(() => clearTimeout(timer));
  const writer = child.stdin.getWriter();
  for (const key of keys) {
    await new Promise((r) => setTimeout(r, 400));
    await writer.write(new TextEncoder().encode(key));
  }
  const status = await child.status;
  await writer.close().catch(() => {});
  await reading;
  await child.stderr.cancel();
  // deno-lint-ignore no-control-regex
  return { code: status.code, out: out.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, "") };
}

Deno.test({
  name: "init --openapi on a terminal asks which endpoints, filtered as you type",
  ignore: !hasScript,
  fn: async () => {
    await using p = await tempProject();
    const res = await onTerminal(p.dir, p.env, ["init", "--openapi", SPEC, "--name", "shop"], [
      "events",
      "\t",
      "\r",
    ]);
    equal(res.code, 0, res.out);
    match(res.out, /shop\.yaml +resources events \(created\)/);
    const connector = parse(await Deno.readTextFile(p.path("shop.yaml")));
    deepEqual(connector.resources.map((r: { name: string }) => r.name), ["events"]);
  },
});

Deno.test({
  name: "init --openapi on a terminal writes nothing when the picker is cancelled",
  ignore: !hasScript,
  fn: async () => {
    await using p = await tempProject();
    const res = await onTerminal(p.dir, p.env, ["init", "--openapi", SPEC], ["\x03"]);
    equal(res.code, 1, res.out);
    match(res.out, /Cancelled: nothing was written/);
    deepEqual([...Deno.readDirSync(p.dir)].map((e) => e.name).sort(), ["_home"]);
  },
});
