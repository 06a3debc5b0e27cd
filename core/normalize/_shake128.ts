/**
 * SHAKE128 (FIPS 202) of short text, fast enough to run once per row: dlt derives a child
 * row's `_dlt_id` as `digest128(f"{parent_id}_{table}_{index}", 10)` and a merge row's from
 * its key, both SHAKE128. node:crypto's `createHash("shake128")` costs ~11 µs a call in Deno
 * (an object, a native call and an encoding per hash), and Keccak in plain JavaScript ~5 µs
 * (64-bit lanes as pairs of 32-bit numbers); the permutation here is WebAssembly with native
 * 64-bit rotations, ~1.3 µs for the one block a row id takes.
 *
 * The WebAssembly module is built here at load time from the Keccak-f[1600] definition (no
 * binary is shipped): the state is 25 little-endian 64-bit lanes at offset 0 of its memory,
 * so byte i of the sponge is byte i of the memory, and the 24 round constants follow.
 *
 * @module
 */

/** Bytes absorbed per permutation: (1600 - 2 * 128) / 8. */
const RATE = 168;
/** Where the round constants are in the module's memory (after the 200-byte state). */
const RC_AT = 256;

/** Keccak-f[1600]'s round constants (iota). */
const ROUND_CONSTANTS = [
  0x0000000000000001n,
  0x0000000000008082n,
  0x800000000000808an,
  0x8000000080008000n,
  0x000000000000808bn,
  0x0000000080000001n,
  0x8000000080008081n,
  0x8000000000008009n,
  0x000000000000008an,
  0x0000000000000088n,
  0x0000000080008009n,
  0x000000008000000an,
  0x000000008000808bn,
  0x800000000000008bn,
  0x8000000000008089n,
  0x8000000000008003n,
  0x8000000000008002n,
  0x8000000000000080n,
  0x000000000000800an,
  0x800000008000000an,
  0x8000000080008081n,
  0x8000000000008080n,
  0x0000000080000001n,
  0x8000000080008008n,
];

/**
 * rho's rotation of lane x + 5y, and pi's destination of that lane, y + 5((2x + 3y) mod 5).
 * The offsets follow the walk (x, y) -> (y, 2x + 3y) from (1, 0): (t + 1)(t + 2) / 2.
 */
function rhoPi(): { rot: number[]; dest: number[] } {
  const rot = Array<number>(25).fill(0);
  const dest = Array<number>(25).fill(0);
  let x = 1, y = 0;
  for (let t = 0; t < 24; t++) {
    rot[x + 5 * y] = ((t + 1) * (t + 2) / 2) % 64;
    [x, y] = [y, (2 * x + 3 * y) % 5];
  }
  for (let x = 0; x < 5; x++) {
    for (let y = 0; y < 5; y++) dest[x + 5 * y] = y + 5 * ((2 * x + 3 * y) % 5);
  }
  return { rot, dest };
}

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 127;
    n >>>= 7;
    if (n !== 0) byte |= 128;
    out.push(byte);
  } while (n !== 0);
  return out;
}

// WebAssembly opcodes used below.
const LOCAL_GET = 0x20, LOCAL_SET = 0x21, LOCAL_TEE = 0x22;
const I32_CONST = 0x41, I32_ADD = 0x6a, I32_SHL = 0x74, I32_LT_U = 0x49;
const I64_CONST = 0x42, I64_LOAD = 0x29, I64_STORE = 0x37;
const I64_AND = 0x83, I64_XOR = 0x85, I64_ROTL = 0x89;
const LOOP = 0x03, BR_IF = 0x0d, END = 0x0b, VOID = 0x40, I64 = 0x7e, I32 = 0x7f;

/** The body of `permute()`: Keccak-f[1600] on the lanes in memory, one round per loop turn. */
function permuteCode(): number[] {
  const { rot, dest } = rhoPi();
  // Locals: a (the state), b (after rho and pi), c and d (theta), all i64, and the round.
  const A = 0, B = 25, C = 50, D = 55, ROUND = 60;
  const code: number[] = [];
  const get = (i: number) => code.push(LOCAL_GET, ...uleb(i));
  const set = (i: number) => code.push(LOCAL_SET, ...uleb(i));
  // Rotation amounts are below 64, so one signed LEB byte when below 64.
  const rotl = (n: number) => code.push(I64_CONST, n, I64_ROTL);
  for (let i = 0; i < 25; i++) {
    code.push(I32_CONST, 0, I64_LOAD, 3, ...uleb(i * 8));
    set(A + i);
  }
  code.push(LOOP, VOID);
  // theta: column parities, mixed into every lane below.
  for (let x = 0; x < 5; x++) {
    get(A + x);
    for (let y = 1; y < 5; y++) get(A + x + 5 * y), code.push(I64_XOR);
    set(C + x);
  }
  for (let x = 0; x < 5; x++) {
    get(C + (x + 4) % 5), get(C + (x + 1) % 5), rotl(1), code.push(I64_XOR);
    set(D + x);
  }
  // rho and pi.
  for (let i = 0; i < 25; i++) {
    get(A + i), get(D + i % 5), code.push(I64_XOR);
    if (rot[i] !== 0) rotl(rot[i]);
    set(B + dest[i]);
  }
  // chi: a = b ^ (~b[x + 1] & b[x + 2]); ~v is v ^ -1 (i64.const -1 is the byte 0x7f).
  for (let y = 0; y < 25; y += 5) {
    for (let x = 0; x < 5; x++) {
      get(B + x + y), get(B + (x + 1) % 5 + y), code.push(I64_CONST, 0x7f, I64_XOR);
      get(B + (x + 2) % 5 + y), code.push(I64_AND, I64_XOR);
      set(A + x + y);
    }
  }
  // iota: a0 ^= RC[round]; then round += 1 and loop while round < 24.
  get(A), get(ROUND), code.push(I32_CONST, 3, I32_SHL, I64_LOAD, 3, ...uleb(RC_AT), I64_XOR);
  set(A);
  get(ROUND), code.push(I32_CONST, 1, I32_ADD, LOCAL_TEE, ...uleb(ROUND));
  code.push(I32_CONST, 24, I32_LT_U, BR_IF, 0, END);
  for (let i = 0; i < 25; i++) {
    code.push(I32_CONST, 0), get(A + i), code.push(I64_STORE, 3, ...uleb(i * 8));
  }
  code.push(END);
  return [2, ...uleb(60), I64, 1, I32, ...code];
}

/** A module exporting `memory` (one page) and `permute()`. */
function keccakModule(): Uint8Array<ArrayBuffer> {
  const section = (id: number, content: number[]) => [id, ...uleb(content.length), ...content];
  const name = (s: string) => [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];
  const body = permuteCode();
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0], // "\0asm", version 1
    ...section(1, [1, 0x60, 0, 0]), // one type: () -> ()
    ...section(3, [1, 0]), // one function of that type
    ...section(5, [1, 0, 1]), // one memory of one page
    ...section(7, [2, ...name("memory"), 2, 0, ...name("permute"), 0, 0]),
    ...section(10, [1, ...uleb(body.length), ...body]),
  ]);
}

const instance = new WebAssembly.Instance(new WebAssembly.Module(keccakModule()));
const memory = instance.exports.memory as WebAssembly.Memory;
const permute = instance.exports.permute as () => void;
/** The sponge state; after {@linkcode shake128} its first bytes are the output. */
const sponge = new Uint8Array(memory.buffer, 0, 200);
new BigUint64Array(memory.buffer, RC_AT, 24).set(ROUND_CONSTANTS);

const encoder = new TextEncoder();
let utf8 = new Uint8Array(256);

/**
 * Absorbs the UTF-8 bytes of `text` with SHAKE's padding and squeezes once: up to 168 bytes
 * of output are then at the start of the returned view, which the next call overwrites.
 *
 * @param text the input (any length).
 * @returns the sponge's state; its first `n` bytes are SHAKE128(text) of length `n`.
 */
export function shake128(text: string): Uint8Array {
  const s = sponge;
  s.fill(0);
  const length = text.length;
  let at = 0;
  let i = 0;
  for (; i < length; i++) {
    const code = text.charCodeAt(i);
    if (code > 127) break;
    s[at] ^= code;
    if (++at === RATE) {
      permute();
      at = 0;
    }
  }
  if (i < length) {
    // Past the first non-ASCII character: encode the rest as UTF-8.
    if (utf8.length < 3 * (length - i)) utf8 = new Uint8Array(3 * (length - i));
    const { written } = encoder.encodeInto(text.slice(i), utf8);
    for (let j = 0; j < written; j++) {
      s[at] ^= utf8[j];
      if (++at === RATE) {
        permute();
        at = 0;
      }
    }
  }
  s[at] ^= 0x1f;
  s[RATE - 1] ^= 0x80;
  permute();
  return s;
}
