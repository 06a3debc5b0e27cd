/**
 * The bounded queue between the concurrent request series of an extraction and its one
 * consumer (the normalizer, `--to jsonl`): series push pages, the consumer takes them in the
 * order they were pushed. At most `maxItems` pages and `maxBytes` (their response sizes) wait;
 * a series pushing into a full queue waits too (back-pressure), so a fast API cannot grow the
 * heap faster than pages are normalized. A page larger than `maxBytes` still passes alone.
 *
 * @module
 */

/** Limits of a {@linkcode PageChannel}. */
export interface PageChannelOptions {
  /** The most pages waiting. */
  maxItems: number;
  /** The most bytes waiting (response text length of the pages). */
  maxBytes: number;
}

interface Parked<T> {
  item: T;
  bytes: number;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * A bounded FIFO of pages with one consumer.
 *
 * @example Usage
 * ```ts
 * import { PageChannel } from "./_channel.ts";
 * const channel = new PageChannel<string>({ maxItems: 2, maxBytes: 1024 });
 * await channel.push("page 1", 10);
 * channel.close();
 * for await (const page of channel) page; // "page 1"
 * ```
 */
export class PageChannel<T> implements AsyncIterable<T> {
  readonly #options: PageChannelOptions;
  readonly #queue: { item: T; bytes: number }[] = [];
  readonly #parked: Parked<T>[] = [];
  #bytes = 0;
  #closed = false;
  #error: { reason: unknown } | undefined;
  #wake: (() => void) | undefined;

  /** @param options the limits. */
  constructor(options: PageChannelOptions) {
    this.#options = options;
  }

  /**
   * Adds a page; waits while the queue is full.
   *
   * @param item the page.
   * @param bytes its size.
   * @throws the failure when the channel failed (the consumer stopped, a series failed).
   */
  push(item: T, bytes: number): Promise<void> {
    if (this.#error) return Promise.reject(this.#error.reason);
    if (this.#parked.length === 0 && this.#fits(bytes)) {
      this.#enqueue(item, bytes);
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => this.#parked.push({ item, bytes, resolve, reject }));
  }

  /** No more pages will be pushed; the consumer ends after the ones waiting. */
  close(): void {
    this.#closed = true;
    this.#notify();
  }

  /** Fails the channel: the consumer throws `reason` next, and every waiting push rejects. */
  fail(reason: unknown): void {
    if (this.#error) return;
    this.#error = { reason };
    for (const parked of this.#parked.splice(0)) parked.reject(reason);
    this.#queue.length = 0;
    this.#bytes = 0;
    this.#notify();
  }

  /** The pages in push order; throws the channel's failure. */
  async *[Symbol.asyncIterator](): AsyncGenerator<T> {
    for (;;) {
      if (this.#error) throw this.#error.reason;
      const next = this.#queue.shift();
      if (next !== undefined) {
        this.#bytes -= next.bytes;
        this.#admit();
        yield next.item;
        continue;
      }
      if (this.#closed && this.#parked.length === 0) return;
      await new Promise<void>((resolve) => this.#wake = resolve);
    }
  }

  #fits(bytes: number): boolean {
    const { maxItems, maxBytes } = this.#options;
    return this.#queue.length === 0 ||
      (this.#queue.length < maxItems && this.#bytes + bytes <= maxBytes);
  }

  #enqueue(item: T, bytes: number): void {
    this.#queue.push({ item, bytes });
    this.#bytes += bytes;
    this.#notify();
  }

  /** Lets parked pushes in, oldest first, while they fit. */
  #admit(): void {
    while (this.#parked.length > 0 && this.#fits(this.#parked[0].bytes)) {
      const parked = this.#parked.shift()!;
      this.#enqueue(parked.item, parked.bytes);
      parked.resolve();
    }
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}
