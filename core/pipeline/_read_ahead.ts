/**
 * Reading one page ahead: the next page is requested before the current one is handed on, so
 * its network round trip (and the API's own work) overlaps the normalizing of the current
 * page instead of following it.
 *
 * @module
 */

/**
 * Yields the values of `source` in order, asking it for the next value before yielding the
 * current one, so at most one value is requested ahead. When the consumer stops early (break
 * or throw), the request in flight is awaited (its result or error dropped) and the source is
 * closed, as a plain `for await` would close it.
 *
 * @example Usage
 * ```ts
 * import { readAhead } from "./_read_ahead.ts";
 * async function* pages() {
 *   yield 1;
 *   yield 2;
 * }
 * const seen: number[] = [];
 * for await (const page of readAhead(pages())) seen.push(page);
 * if (seen.join() !== "1,2") throw new Error("order");
 * ```
 */
export async function* readAhead<T>(source: AsyncIterable<T>): AsyncGenerator<T, void> {
  const iterator = source[Symbol.asyncIterator]();
  let next = iterator.next();
  // Handled where it is awaited; while the consumer works, a rejection must not count as
  // unhandled.
  next.catch(() => {});
  let done = false;
  try {
    for (;;) {
      const result = await next;
      if (result.done) {
        done = true;
        return;
      }
      next = iterator.next();
      next.catch(() => {});
      yield result.value;
    }
  } catch (err) {
    // The source failed: it has closed itself.
    done = true;
    throw err;
  } finally {
    if (!done) {
      await next.catch(() => {});
      await iterator.return?.();
    }
  }
}
