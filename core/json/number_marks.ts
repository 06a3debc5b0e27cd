/**
 * The marks {@linkcode parseJson} leaves on objects and arrays that hold numbers a plain JS
 * number does not describe fully.
 *
 * @module
 */

/**
 * Symbol-keyed property that `parseJson` sets on an object or array when it, or anything
 * below it, holds a float `JSON.stringify` would not write back as the text had it: a
 * whole-valued float (`1.0`, `1e3`: a JS number that Python reads as a float) or one that is
 * not finite (`1e400`). Its value lists the keys (array indexes as strings) of the object's
 * own whole-valued floats, and is empty when there are none. Integers past 2^53 are `bigint`s
 * and need no mark: their type tells, and `JSON.stringify` refuses them, which is how
 * `stringifyJson` finds them (marking every holder of a Snowflake id cost ~4% of a run). The
 * property is not enumerable and symbol-keyed: `for...in`, `Object.keys`, spreads,
 * `structuredClone`, `JSON.stringify` and deep-equality checks do not see it, so the objects
 * stay plain JSON data for hooks and everything else.
 */
export const NUMBER_MARKS: unique symbol = Symbol.for("dltx.json.number_marks");

/** An object or array that may carry {@linkcode NUMBER_MARKS}. */
export type Marked = { [NUMBER_MARKS]?: string[] };

/**
 * Whether the number at `holder[key]` was a float in the JSON text (`1.0` reads as `1`).
 *
 * @param holder the object or array holding the number.
 * @param key its key (an array index as a string).
 * @returns true for a whole-valued float token.
 */
export function isFloatToken(holder: object, key: string): boolean {
  const marks = (holder as Marked)[NUMBER_MARKS];
  return marks !== undefined && marks.includes(key);
}
