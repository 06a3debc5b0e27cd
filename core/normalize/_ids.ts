/**
 * `_dlt_id` values: random ids for root rows and deterministic ids for child rows, both 10
 * bytes in base64 without padding (14 characters), the shape dlt's ids have.
 *
 * @module
 */

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

// cyrb128 state, kept in module variables so that hashing allocates nothing.
let h1 = 0, h2 = 0, h3 = 0, h4 = 0;

function mix(k: number): void {
  h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
  h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
  h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
  h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
}

function mixString(s: string): void {
  for (let i = 0; i < s.length; i++) mix(s.charCodeAt(i));
}

// State after the `(table, parentId)` prefix, reused while the items of one list are numbered.
let lastTable = "";
let lastParent = "";
let p1 = 0, p2 = 0, p3 = 0, p4 = 0;

function hashPrefix(parentId: string, table: string): void {
  h1 = 1779033703, h2 = 3144134277, h3 = 1013904242, h4 = 2773480762;
  mixString(table);
  mix(0); // separator: ("ab", "c") and ("a", "bc") must differ
  mixString(parentId);
  p1 = h1, p2 = h2, p3 = h3, p4 = h4;
  lastTable = table;
  lastParent = parentId;
}

/**
 * The deterministic id of a child row: a 128-bit hash of the parent row's id, the child table
 * and the position in the list, cut to 80 bits and base64-encoded like {@linkcode newRowId}.
 * dlt hashes the same inputs with shake128; a fast non-cryptographic hash (cyrb128 mixing) is
 * used here because the ids only need to be unique and stable, not secret.
 *
 * @param parentId `_dlt_id` of the parent row.
 * @param table Name of the child table.
 * @param index Position of the item in the parent's list.
 */
export function childRowId(parentId: string, table: string, index: number): string {
  if (parentId !== lastParent || table !== lastTable) hashPrefix(parentId, table);
  h1 = p1, h2 = p2, h3 = p3, h4 = p4;
  // The index goes in as two 16-bit halves so that any list length stays distinct.
  mix(index & 0xffff);
  mix(Math.floor(index / 65536) + 0x10000);
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  return encode80(h1 >>> 0, h2 >>> 0, (h3 ^ h4) & 0xffff);
}
