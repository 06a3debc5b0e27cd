/**
 * Runs the request series of one extraction concurrently: at most `slots` series at a time.
 * A free slot goes to the resource with the fewest series running (so independent resources
 * go side by side), then to the deeper one (children before their parents' next pages), then
 * to the series waiting longest. A sequential resource (`parallelized: false`) runs one series
 * at a time, in the order they came. A parent whose children pile up (`slots` or more waiting
 * to start) steps aside until they drop below that, which keeps the waiting series few; with
 * one slot, this is depth first, series after series, as dltx always did.
 *
 * @module
 */

/** One request series to run. */
export interface SeriesJob {
  /** The resource, for fairness and for sequential resources. */
  resource: string;
  /** 0 for a root resource, its parent's depth + 1 for a child. */
  depth: number;
  /** The resource runs one series at a time (`parallelized: false`). */
  sequential: boolean;
  /** Runs the series; `relieve` lets it step aside while its children pile up. */
  run: (relieve: () => Promise<void>) => Promise<void>;
}

interface Queued {
  job: SeriesJob;
  seq: number;
}

interface ResourceQueue {
  jobs: Queued[];
  /** Series of the resource that started and did not end (stepped aside ones included). */
  running: number;
}

/**
 * The series scheduler of one extraction.
 *
 * @example Usage
 * ```ts
 * import { Scheduler } from "./_scheduler.ts";
 * const order: string[] = [];
 * const scheduler = new Scheduler(2);
 * for (const name of ["a", "b"]) {
 *   scheduler.submit({ resource: name, depth: 0, sequential: false, run: async () => {
 *     order.push(name);
 *   } });
 * }
 * await scheduler.done();
 * order; // ["a", "b"]
 * ```
 */
export class Scheduler {
  readonly #slots: number;
  readonly #resources = new Map<string, ResourceQueue>();
  /** Parents ready to go on after stepping aside; they take the next free slot. */
  readonly #resuming: (() => void)[] = [];
  /** Parents stepped aside until fewer children wait. */
  readonly #relieved: { resolve: () => void; reject: (error: unknown) => void }[] = [];
  #busy = 0;
  #seq = 0;
  /** Child series waiting to start. */
  #waitingChildren = 0;
  /** Series submitted and not ended. */
  #open = 0;
  #failure: { error: unknown } | undefined;
  readonly #done: Promise<void>;
  #settle!: { resolve: () => void; reject: (error: unknown) => void };

  /** @param slots the most series running at once. */
  constructor(slots: number) {
    this.#slots = slots;
    this.#done = new Promise((resolve, reject) => this.#settle = { resolve, reject });
    // Awaited by whoever wants it; a failure is also reported through the series themselves.
    this.#done.catch(() => {});
  }

  /** Queues a series; it starts when a slot is free and its turn has come. */
  submit(job: SeriesJob): void {
    if (this.#failure) return;
    let queue = this.#resources.get(job.resource);
    if (queue === undefined) {
      queue = { jobs: [], running: 0 };
      this.#resources.set(job.resource, queue);
    }
    queue.jobs.push({ job, seq: this.#seq++ });
    if (job.depth > 0) this.#waitingChildren++;
    this.#open++;
    this.#dispatch();
  }

  /**
   * Resolves when every series submitted (and every series they submit) has ended; rejects with
   * the first failure of a series, after which no new series starts.
   */
  done(): Promise<void> {
    if (this.#open === 0 && !this.#failure) this.#settle.resolve();
    return this.#done;
  }

  /** Stops: no series starts any more, stepped-aside parents throw `error`. */
  fail(error: unknown): void {
    if (this.#failure) return;
    this.#failure = { error };
    this.#settle.reject(error);
    for (const waiter of this.#relieved.splice(0)) waiter.reject(error);
    // Parents about to resume go on (and end soon: the run is failing).
    for (const resume of this.#resuming.splice(0)) {
      this.#busy++;
      resume();
    }
  }

  #dispatch(): void {
    while (this.#busy < this.#slots && !this.#failure) {
      const resume = this.#resuming.shift();
      if (resume) {
        this.#busy++;
        resume();
        continue;
      }
      const next = this.#pick();
      if (next === undefined) break;
      const [queue, { job }] = next;
      queue.jobs.shift();
      if (job.depth > 0) this.#waitingChildren--;
      queue.running++;
      this.#busy++;
      this.#start(job, queue);
      this.#wakeRelieved();
    }
  }

  /** The resource with the fewest series running, then the deepest, then the oldest series. */
  #pick(): [ResourceQueue, Queued] | undefined {
    let best: [ResourceQueue, Queued] | undefined;
    for (const queue of this.#resources.values()) {
      const head = queue.jobs[0];
      if (head === undefined || (head.job.sequential && queue.running > 0)) continue;
      if (best === undefined) {
        best = [queue, head];
        continue;
      }
      const [bestQueue, bestHead] = best;
      const better = queue.running !== bestQueue.running
        ? queue.running < bestQueue.running
        : head.job.depth !== bestHead.job.depth
        ? head.job.depth > bestHead.job.depth
        : head.seq < bestHead.seq;
      if (better) best = [queue, head];
    }
    return best;
  }

  #start(job: SeriesJob, queue: ResourceQueue): void {
    const relieve = () => this.#relieve();
    job.run(relieve).then(
      () => this.#end(queue),
      (error) => {
        this.fail(error);
        this.#end(queue);
      },
    );
  }

  #end(queue: ResourceQueue): void {
    queue.running--;
    this.#busy--;
    this.#open--;
    if (this.#open === 0 && !this.#failure) this.#settle.resolve();
    this.#dispatch();
  }

  /** A running parent gives its slot up while `slots` or more children wait to start. */
  #relieve(): Promise<void> {
    if (this.#failure) return Promise.reject(this.#failure.error);
    if (this.#waitingChildren < this.#slots) return Promise.resolve();
    this.#busy--;
    const resumed = new Promise<void>((resolve, reject) => {
      this.#relieved.push({
        resolve: () => this.#resuming.push(resolve),
        // Released by a failure: it holds a slot again until it ends.
        reject: (error) => {
          this.#busy++;
          reject(error);
        },
      });
    });
    this.#dispatch();
    return resumed;
  }

  /** Parents whose children dropped below the mark may go on (at the next free slot). */
  #wakeRelieved(): void {
    while (this.#relieved.length > 0 && this.#waitingChildren < this.#slots) {
      this.#relieved.shift()!.resolve();
    }
  }
}
