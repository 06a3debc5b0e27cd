/**
 * dlt's deduplication hash of a record at the incremental boundary: `digest128` (base64 of a
 * 15-byte SHAKE128) of the key values as JSON with sorted keys, or of the whole record when
 * the resource has no primary key. Same inputs give dlt's hashes, so state moves between them.
 *
 * @module
 */

import { createHash } from "node:crypto";
import { sortedJson } from "../json/mod.ts";

export { sortedJson };

/** dlt's `digest128`: SHAKE128, 15 bytes, base64 without padding (20 characters). */
export function digest128(text: string): string {
  return createHash("shake128", { outputLength: 15 }).update(text).digest("base64");
}
