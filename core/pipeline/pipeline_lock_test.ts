import { deepEqual, equal, match, ok, rejects } from "node:assert/strict";
import { join } from "node:path";
import { UserError } from "../errors.ts";
import { acquirePipelineLock, LOCK_FILE } from "./pipeline_lock.ts";
import { WorkingDir } from "./working_dir.ts";

async function tempWorkingDir(): Promise<WorkingDir & AsyncDisposable> {
  const dir = await Deno.makeTempDir({ prefix: "dltx_lock_" });
  const wd = new WorkingDir(dir, "p") as WorkingDir & AsyncDisposable;
  wd[Symbol.asyncDispose] = () => Deno.remove(dir, { recursive: true });
  return wd;
}

Deno.test("acquirePipelineLock() holds the lock and writes its pid into the lock file", async () => {
  await using wd = await tempWorkingDir();
  const lock = await acquirePipelineLock(wd, "p");
  equal(lock.path, join(wd.root, LOCK_FILE));
  const holder = JSON.parse(await Deno.readTextFile(lock.path));
  equal(holder.pid, Deno.pid);
  await lock.release();
  await lock.release(); // twice is a no-op
  equal(await Deno.readTextFile(lock.path), "", "released: the file names no holder");
});

Deno.test("a second acquirePipelineLock() fails at once, naming the holder's pid", async () => {
  await using wd = await tempWorkingDir();
  const first = await acquirePipelineLock(wd, "p");
  try {
    await rejects(acquirePipelineLock(wd, "p"), (err: Error) => {
      ok(err instanceof UserError);
      match(err.message, new RegExp(`^Pipeline "p" is being run by process ${Deno.pid};`));
      match(err.message, /--wait/);
      return true;
    });
  } finally {
    await first.release();
  }
  // Free again: the next one gets it.
  await (await acquirePipelineLock(wd, "p")).release();
});

Deno.test("acquirePipelineLock({wait}) waits until the holder releases, saying for whom", async () => {
  await using wd = await tempWorkingDir();
  const first = await acquirePipelineLock(wd, "p");
  const waited: unknown[] = [];
  let acquired = false;
  const second = acquirePipelineLock(wd, "p", {
    wait: true,
    pollMs: 10,
    onWait: (holder) => waited.push(holder?.pid),
  }).then((lock) => {
    acquired = true;
    return lock;
  });
  await new Promise((r) => setTimeout(r, 100));
  equal(acquired, false, "still waiting while the first holds the lock");
  deepEqual(waited, [Deno.pid], "told once, with the holder's pid");
  await first.release();
  const lock = await second;
  equal(JSON.parse(await Deno.readTextFile(lock.path)).pid, Deno.pid);
  await lock.release();
});

Deno.test("acquirePipelineLock({wait}) stops waiting when its signal aborts", async () => {
  await using wd = await tempWorkingDir();
  const first = await acquirePipelineLock(wd, "p");
  const controller = new AbortController();
  const waiting = acquirePipelineLock(wd, "p", {
    wait: true,
    pollMs: 10,
    signal: controller.signal,
  });
  setTimeout(() => controller.abort(new Error("interrupted")), 50);
  await rejects(waiting, /interrupted/);
  await first.release();
});

Deno.test("a lock whose holder died is taken over: the OS dropped it with the process", async () => {
  await using wd = await tempWorkingDir();
  // A child process takes the lock and is killed with SIGKILL while holding it.
  const script = `
    const file = await Deno.open(${JSON.stringify(join(wd.root, LOCK_FILE))},
      { read: true, write: true, create: true });
    await Deno.mkdir(${JSON.stringify(wd.root)}, { recursive: true });
    await file.lock(true);
    await file.write(new TextEncoder().encode(JSON.stringify({ pid: Deno.pid })));
    console.log("locked");
    setInterval(() => {}, 1000); // stays alive until killed
  `;
  await Deno.mkdir(wd.root, { recursive: true });
  const child = new Deno.Command(Deno.execPath(), {
    args: ["eval", script],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.getReader();
  const { value } = await reader.read();
  match(new TextDecoder().decode(value), /locked/);
  await rejects(acquirePipelineLock(wd, "p"), new RegExp(`by process ${child.pid}`));
  child.kill("SIGKILL");
  await child.status;
  reader.releaseLock();
  await child.stdout.cancel();
  const lock = await acquirePipelineLock(wd, "p");
  equal(JSON.parse(await Deno.readTextFile(lock.path)).pid, Deno.pid);
  await lock.release();
});
