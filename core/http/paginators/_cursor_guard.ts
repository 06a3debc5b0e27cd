/**
 * Loop guard of cursor paginators: a cursor value handed out twice means the API is sending
 * the same page again.
 *
 * @module
 */

import { DataError } from "../../errors.ts";
import { stringifyJson } from "../../json/mod.ts";
import { show } from "./_values.ts";

/** Remembers the cursors of one request series. */
export class CursorGuard {
  readonly #seen = new Set<string>();

  /** Forgets every cursor (new request series). */
  clear(): void {
    this.#seen.clear();
  }

  /**
   * Records a cursor.
   *
   * @param type the paginator type, for the message.
   * @param cursor the cursor value.
   * @throws {DataError} when the cursor was used before.
   */
  add(type: string, cursor: unknown): void {
    const key = typeof cursor === "string" ? cursor : `\u0000${stringifyJson(cursor)}`;
    if (this.#seen.has(key)) {
      throw new DataError(`Paginator ${type} would loop: cursor ${show(cursor)} was already used`);
    }
    this.#seen.add(key);
  }
}
