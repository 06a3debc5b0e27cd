/**
 * The pipeline lock: one process at a time writes a pipeline's working folder. Without it, a
 * second `dltx run` of the same pipeline would take the first one's live load package for one
 * an interrupted run left behind, and discard it.
 *
 * The lock is the file `pipeline.lock` in the working folder, held with an exclusive advisory
 * lock of the operating system (`flock` on Unix, `LockFileEx` on Windows) and holding the
 * holder's pid, host and start time for the message a second process prints. The operating
 * system drops the lock when its process ends, however it ends: a run killed with SIGKILL
 * leaves no live lock behind, and the next run takes it over at once. This is also why a
 * reused pid cannot fool it: whether the lock is held is the kernel's answer, the pid in the
 * file is only what is shown. The file itself stays (it is emptied on release): deleting it
 * would let a waiting process lock a file that no longer has a name while a third one creates
 * a new one.
 *
 * @module
 */

import { join } from "node:path";
import { UserError } from "../errors.ts";
import type { WorkingDir } from "./working_dir.ts";

/** File name of the lock in a pipeline's working folder. */
export const LOCK_FILE = "pipeline.lock";

/** Who holds a pipeline lock, as its file says. */
export interface LockHolder {
  pid: number;
  hostname?: string;
  /** When the holder took the lock (ISO 8601). */
  started_at?: string;
}

/** Options of {@linkcode acquirePipelineLock}. */
export interface AcquireLockOptions {
  /**
   * Wait until the holder releases the lock instead of failing at once.
   * @default false
   */
  wait?: boolean;
  /** Stops waiting; the error is the signal's reason. */
  signal?: AbortSignal;
  /** Called once when the lock is held by another process and `wait` is set. */
  onWait?: (holder: LockHolder | undefined) => void;
  /**
   * How often a waiting process tries the lock again, in milliseconds.
   * @default 100
   */
  pollMs?: number;
}

/** A held pipeline lock; release it when the work is done (or let the process end). */
export interface PipelineLock {
  /** Path of the lock file. */
  readonly path: string;
  /** Releases the lock; releasing twice is a no-op. */
  release(): Promise<void>;
}

/**
 * Takes the lock of a pipeline's working folder (creating the folder when missing).
 *
 * @param workingDir the pipeline's working folder
 * @param pipelineName named in the error
 * @param options whether to wait, and how
 * @returns the held lock
 * @throws {UserError} `Pipeline "<name>" is being run by process <pid>` when another process
 *   holds it and `wait` is not set
 */
export async function acquirePipelineLock(
  workingDir: WorkingDir,
  pipelineName: string,
  options: AcquireLockOptions = {},
): Promise<PipelineLock> {
  await Deno.mkdir(workingDir.root, { recursive: true });
  const path = join(workingDir.root, LOCK_FILE);
  const file = await Deno.open(path, { read: true, write: true, create: true });
  try {
    let told = false;
    while (!(await file.tryLock(true))) {
      const holder = await readHolder(path);
      if (!options.wait) {
        throw new UserError(
          `Pipeline "${pipelineName}" is being run by ${describeHolder(holder)}; ` +
            "wait until it finishes, or pass --wait to wait for it",
        );
      }
      if (!told) {
        options.onWait?.(holder);
        told = true;
      }
      await sleep(options.pollMs ?? 100, options.signal);
    }
    const holder: LockHolder = {
      pid: Deno.pid,
      hostname: hostname(),
      started_at: new Date().toISOString(),
    };
    // Best effort: the lock is held already, and a full disk should fail the run where it
    // writes data (naming the folder), not here.
    await file.truncate(0)
      .then(() => writeAll(file, new TextEncoder().encode(JSON.stringify(holder) + "\n")))
      .catch(() => {});
  } catch (err) {
    file.close();
    throw err;
  }
  let released = false;
  return {
    path,
    async release() {
      if (released) return;
      released = true;
      try {
        // Emptied first: the next holder's readers never see a pid that no longer holds it.
        await file.truncate(0).catch(() => {});
        await file.unlock().catch(() => {});
      } finally {
        file.close();
      }
    },
  };
}

/** `process 123 on host x (since ...)`, or `another process` when the file says nothing. */
export function describeHolder(holder: LockHolder | undefined): string {
  if (holder === undefined) return "another process";
  const host = holder.hostname !== undefined && holder.hostname !== hostname()
    ? ` on host ${holder.hostname}`
    : "";
  return `process ${holder.pid}${host}`;
}

/**
 * The holder the lock file names. A holder that took the lock a moment ago may not have
 * written it yet, so an empty file is read again a few times before giving up.
 */
async function readHolder(path: string): Promise<LockHolder | undefined> {
  for (let attempt = 0; attempt < 10; attempt++) {
    let text = "";
    try {
      text = await Deno.readTextFile(path);
    } catch {
      // Windows refuses to read a locked file: the holder stays unknown.
      return undefined;
    }
    try {
      const holder = JSON.parse(text) as LockHolder;
      if (typeof holder?.pid === "number") return holder;
    } catch { /* empty or being written */ }
    await new Promise((r) => setTimeout(r, 20));
  }
  return undefined;
}

function hostname(): string | undefined {
  try {
    return Deno.hostname();
  } catch {
    return undefined; // no --allow-sys
  }
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

async function writeAll(file: Deno.FsFile, bytes: Uint8Array): Promise<void> {
  for (let written = 0; written < bytes.length;) {
    written += await file.write(bytes.subarray(written));
  }
}
