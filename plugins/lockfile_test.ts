import { deepEqual, equal, rejects, throws } from "node:assert/strict";
import { join } from "node:path";
import { ConfigError } from "../core/errors.ts";
import {
  emptyLockfile,
  type Lockfile,
  parseLockfile,
  readLockfile,
  stringifyLockfile,
  writeLockfile,
} from "./lockfile.ts";

const HASH_A = "a".repeat(64);
const HASH_B = "b".repeat(64);

function sample(): Lockfile {
  return {
    version: 1,
    connectors: {
      // Out of order on purpose: the file is written sorted.
      shop: {
        files: { "shop.ts": HASH_A, "lib/helper.ts": HASH_B },
        entry: "shop.ts",
        path: "plugins/shop.ts",
        resolved_version: null,
        kind: "path",
        spec: "./plugins/shop.ts",
        name: "shop",
      },
      acme: {
        name: "acme",
        spec: "jsr:@acme/conn@^1",
        kind: "jsr",
        resolved_version: "1.2.0",
        url: "https://jsr.io/@acme/conn/1.2.0/mod.ts",
        entry: "mod.ts",
        files: { "mod.ts": HASH_A },
      },
    },
  };
}

Deno.test("stringifyLockfile() writes connectors, keys and files in a stable order", () => {
  const text = stringifyLockfile(sample());
  deepEqual(Object.keys(JSON.parse(text).connectors), ["acme", "shop"]);
  deepEqual(Object.keys(JSON.parse(text).connectors.shop), [
    "name",
    "spec",
    "kind",
    "resolved_version",
    "path",
    "entry",
    "files",
  ]);
  deepEqual(Object.keys(JSON.parse(text).connectors.shop.files), ["lib/helper.ts", "shop.ts"]);
  equal(text.endsWith("}\n"), true);
});

Deno.test("parseLockfile() reads back what stringifyLockfile() wrote", () => {
  const text = stringifyLockfile(sample());
  const parsed = parseLockfile(text);
  deepEqual(parsed, sample());
  equal(stringifyLockfile(parsed), text);
});

Deno.test("readLockfile() and writeLockfile() round-trip; a missing file is an empty lock", async () => {
  const dir = await Deno.makeTempDir();
  try {
    deepEqual(await readLockfile(dir), emptyLockfile());
    await writeLockfile(dir, sample());
    deepEqual(await readLockfile(dir), sample());
    deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["dltx.lock"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("parseLockfile() names the bad key of an invalid lockfile", () => {
  // deno-lint-ignore no-explicit-any
  type Raw = { version: number; connectors: Record<string, Record<string, any>> };
  const bad = (edit: (lock: Raw) => void, message: RegExp) => {
    const lock: Raw = JSON.parse(stringifyLockfile(sample()));
    edit(lock);
    throws(() => parseLockfile(JSON.stringify(lock)), (e: Error) => {
      equal(e instanceof ConfigError, true);
      equal(message.test(e.message), true, e.message);
      return true;
    });
  };
  bad((l) => l.version = 2, /version must be 1 \(got 2\)/);
  bad(
    (l) => l.connectors.acme.files["mod.ts"] = "xyz",
    /acme\.files\["mod\.ts"\] must be a sha256/,
  );
  bad((l) => l.connectors.acme.files["../evil.ts"] = HASH_A, /must be a relative path.*evil/);
  bad((l) => l.connectors.acme.entry = "/etc/passwd", /acme\.entry must be a relative path/);
  bad((l) => l.connectors.acme.entry = "other.ts", /acme\.entry must be one of its files/);
  bad((l) => l.connectors.acme.name = "other", /acme\.name must equal its key "acme"/);
  bad((l) => l.connectors.acme.kind = "git", /acme\.kind must be one of builtin, path, url, jsr/);
  throws(() => parseLockfile("{ nope"), /dltx\.lock is not valid JSON/);
});

Deno.test("readLockfile() fails clearly on a corrupt file", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(join(dir, "dltx.lock"), "[]");
    await rejects(readLockfile(dir), /dltx\.lock is invalid: the top level must be an object/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a customised copy keeps its edited mark through the lockfile; edited must be true", () => {
  const lock = sample();
  lock.connectors.shop.edited = true;
  const text = stringifyLockfile(lock);
  equal(JSON.parse(text).connectors.shop.edited, true);
  equal(JSON.parse(text).connectors.acme.edited, undefined);
  deepEqual(parseLockfile(text), lock);
  const bad = JSON.parse(text);
  bad.connectors.shop.edited = "yes";
  throws(
    () => parseLockfile(JSON.stringify(bad)),
    /connectors\.shop\.edited must be true when present/,
  );
});
