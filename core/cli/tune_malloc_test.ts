import { equal } from "node:assert/strict";
import { tuneMalloc } from "./tune_malloc.ts";

const glibc = Deno.build.os === "linux" && (() => {
  try {
    Deno.dlopen("libc.so.6", {}).close();
    return true;
  } catch {
    return false;
  }
})();

Deno.test({
  name: "tuneMalloc() sets glibc's thresholds where it can",
  ignore: !glibc,
  fn() {
    equal(tuneMalloc(), true);
  },
});

Deno.test("tuneMalloc() without FFI permission does nothing, and neither prompts nor throws", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const script = `${dir}/probe.ts`;
    const url = new URL("./tune_malloc.ts", import.meta.url).href;
    await Deno.writeTextFile(
      script,
      `import { tuneMalloc } from ${JSON.stringify(url)};\nconsole.log(tuneMalloc());\n`,
    );
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--no-config", "--no-prompt", script],
      env: { NO_COLOR: "1" },
      stdin: "null",
    }).output();
    const stderr = new TextDecoder().decode(out.stderr);
    equal(out.code, 0, stderr);
    equal(new TextDecoder().decode(out.stdout).trim(), "false");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
