/**
 * Loads finished job files of append tables while extraction goes on, through the
 * destination's load session, so the destination's work overlaps the network and the
 * normalizer instead of following them. Nothing commits before the pipeline says so.
 *
 * @module
 */

import { rootTableOf } from "../schema/mod.ts";
import type { Schema } from "../schema/types.ts";
import type { Destination, LoadJob, LoadSession } from "./destination.ts";

/**
 * Queues job files into a lazily opened load session, one insert at a time; files that
 * finished while an insert ran go in together (one DDL pass for all their tables).
 */
export class StreamLoader {
  readonly #destination: Destination;
  readonly #datasetName: string;
  readonly #loadId: string;
  readonly #schema: Schema;
  readonly #prepare: (job: LoadJob) => Promise<LoadJob>;
  #session?: Promise<LoadSession>;
  #chain: Promise<void> = Promise.resolve();
  /** Files queued and not yet handed to the session. */
  #queued: LoadJob[] = [];
  #error: unknown;
  #failed = false;
  #stopped = false;
  #warm = false;

  constructor(
    destination: Destination,
    options: {
      datasetName: string;
      loadId: string;
      schema: Schema;
      /** Runs before a job is handed to the destination (moves it to `started_jobs`). */
      prepare?: (job: LoadJob) => Promise<LoadJob>;
    },
  ) {
    this.#destination = destination;
    this.#prepare = options.prepare ?? ((job) => Promise.resolve(job));
    this.#datasetName = options.datasetName;
    this.#loadId = options.loadId;
    this.#schema = options.schema;
  }

  /**
   * Queues a finished job file. Only append tables stream: a replace must empty its tables
   * before their rows go in, which happens at commit.
   */
  add(job: LoadJob): void {
    const begin = this.#destination.begin?.bind(this.#destination);
    if (!begin || this.#failed || this.#stopped || !this.#appends(job.table)) return;
    this.#queued.push(job);
    // One link per batch: the files queued by the time it runs go together.
    if (this.#queued.length > 1) return;
    this.#chain = this.#chain.then(async () => {
      const jobs = this.#queued;
      this.#queued = [];
      if (this.#failed || this.#stopped) return;
      this.#session ??= begin(this.#datasetName, this.#loadId);
      const session = await this.#session;
      const prepared: LoadJob[] = [];
      for (const queued of jobs) prepared.push(await this.#prepare(queued));
      await session.addJobs(prepared, this.#schema);
    }).catch((err) => {
      this.#failed = true;
      this.#error = err;
    });
  }

  /**
   * Lets the destination load what its load will need (its native module) while extraction
   * waits on the network, and opens the load session right away when the destination says
   * that locks out no one (see `Destination.beginsEarly`); once.
   */
  warmUp(): void {
    if (this.#warm) return;
    this.#warm = true;
    const destination = this.#destination;
    destination.warmUp?.();
    const begin = destination.begin?.bind(destination);
    const beginsEarly = destination.beginsEarly?.bind(destination);
    if (!begin || !beginsEarly) return;
    this.#chain = this.#chain.then(async () => {
      if (this.#failed || this.#stopped || !(await beginsEarly())) return;
      this.#session ??= begin(this.#datasetName, this.#loadId);
      await this.#session;
    }).catch((err) => {
      this.#failed = true;
      this.#error = err;
    });
  }

  /** Rethrows a failure of a background insert, so extraction stops at the next page. */
  check(): void {
    if (this.#failed) throw this.#error;
  }

  /** Waits for queued inserts; returns the open session, if files were streamed. */
  async drain(): Promise<LoadSession | undefined> {
    await this.#chain;
    this.check();
    return await this.#session;
  }

  /** Takes no more files (extraction failed): nothing new is opened or inserted. */
  stop(): void {
    this.#stopped = true;
  }

  /** Discards whatever was streamed. */
  async rollback(): Promise<void> {
    this.#stopped = true;
    await this.#chain;
    const session = await this.#session?.catch(() => undefined);
    await session?.rollback();
  }

  #appends(table: string): boolean {
    if (!this.#schema.tables[table]) return false;
    const disposition = rootTableOf(this.#schema, table).write_disposition ?? "append";
    return disposition === "append";
  }
}
