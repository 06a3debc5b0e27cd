/**
 * `_dlt_id` values: random ids for root rows and deterministic ids for child rows (and for
 * root rows of `upsert` and `insert-only` merges), all 10 bytes in base64 without padding (14
 * characters), made as dlt makes them.
 *
 * @module
 */

import { shake128 } from "./_shake128.ts";

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const B64_CODES = Uint8Array.from(B64, (c) => c.charCodeAt(0));

/** Base64 of 10 bytes given as two 32-bit words and one 16-bit word, padding dropped. */
function encode80(w0: number, w1: number, w2: number): string {
  const c = B64_CODES;
  // Bytes b0..b9 in big-endian order of the words; 3 bytes make 4 characters.
  const b0 = w0 >>> 24, b1 = (w0 >>> 16) & 255, b2 = (w0 >>> 8) & 255, b3 = w0 & 255;
  const b4 = w1 >>> 24, b5 = (w1 >>> 16) & 255, b6 = (w1 >>> 8) & 255, b7 = w1 & 255;
  const b8 = (w2 >>> 8) & 255, b9 = w2 & 255;
  return String.fromCharCode(
    c[b0 >> 2],
    c[((b0 & 3) << 4) | (b1 >> 4)],
    c[((b1 & 15) << 2) | (b2 >> 6)],
    c[b2 & 63],
    c[b3 >> 2],
    c[((b3 & 3) << 4) | (b4 >> 4)],
    c[((b4 & 15) << 2) | (b5 >> 6)],
    c[b5 & 63],
    c[b6 >> 2],
    c[((b6 & 3) << 4) | (b7 >> 4)],
    c[((b7 & 15) << 2) | (b8 >> 6)],
    c[b8 & 63],
    c[b9 >> 2],
    c[(b9 & 3) << 4],
  );
}

// Random bytes come from one pre-filled buffer: a crypto call per row would dominate the cost.
const POOL_WORDS = 3 * 4096;
const pool = new Uint32Array(POOL_WORDS);
let poolOffset = POOL_WORDS;

/**
 * A new random row id (dlt's `uniq_id_base64(10)`): 80 bits from the platform's
 * cryptographic random source, base64 without padding.
 */
export function newRowId(): string {
  if (poolOffset === POOL_WORDS) {
    crypto.getRandomValues(pool);
    poolOffset = 0;
  }
  const o = poolOffset;
  poolOffset += 3;
  return encode80(pool[o], pool[o + 1], pool[o + 2] & 0xffff);
}

/**
 * dlt's `digest128(text, 10)`: the first 10 bytes of SHAKE128 of the UTF-8 text, base64
 * without padding (14 characters). dlt's deterministic row ids are made this way.
 *
 * @param text the text to hash.
 */
export function digestRowId(text: string): string {
  const h = shake128(text);
  return encode80(
    (h[0] << 24 | h[1] << 16 | h[2] << 8 | h[3]) >>> 0,
    (h[4] << 24 | h[5] << 16 | h[6] << 8 | h[7]) >>> 0,
    h[8] << 8 | h[9],
  );
}

/**
 * The `_dlt_id` of a child row, as dlt derives it (`get_nested_row_hash`):
 * `digest128(f"{parent_id}_{table}_{index}", 10)`. A dataset dlt started keeps the same child
 * ids when dltx loads into it, and the other way round.
 *
 * @param parentId `_dlt_id` of the parent row.
 * @param table Name of the child table.
 * @param index Position of the item in the parent's list.
 */
export function childRowId(parentId: string, table: string, index: number): string {
  return digestRowId(`${parentId}_${table}_${index}`);
}
