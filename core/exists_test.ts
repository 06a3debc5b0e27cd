import { equal, rejects } from "node:assert/strict";
import { join } from "node:path";
import { exists } from "./exists.ts";

Deno.test("exists() finds files and folders, not missing paths", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(join(dir, "f.txt"), "x");
    equal(await exists(dir), true);
    equal(await exists(join(dir, "f.txt")), true);
    equal(await exists(join(dir, "nope")), false);
    equal(await exists(join(dir, "nope", "deeper")), false);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("exists() follows symlinks unless told not to", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const link = join(dir, "dangling");
    await Deno.symlink(join(dir, "missing-target"), link);
    equal(await exists(link), false);
    equal(await exists(link, { followSymlinks: false }), true);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("exists() throws errors other than not found", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const file = join(dir, "f.txt");
    await Deno.writeTextFile(file, "x");
    // A path through a file is not "missing": the OS says it is not a directory.
    await rejects(
      () => exists(join(file, "child")),
      (err) => !(err instanceof Deno.errors.NotFound),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
