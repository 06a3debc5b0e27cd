/**
 * Python's `repr()` of a float, which is also what `str()` gives and what dlt writes when it
 * turns a float into text: `1.0`, `0.1`, `1e-05`, `1e+16`, `inf`, `nan`.
 *
 * @module
 */

/**
 * A float as Python writes it: the shortest digits that read back to the same double (as
 * JavaScript picks them too), in fixed notation from 1e-4 up to below 1e16 with at least one
 * digit after the point, otherwise in exponent notation with a signed exponent of at least two
 * digits.
 *
 * @param value any number, read as a float (`1` gives `1.0`).
 * @returns the text, e.g. `1.0`, `-0.0`, `123.456`, `1e-05`, `1.5e+16`, `inf`, `-inf`, `nan`.
 *
 * @example Usage
 * ```ts
 * import { floatText } from "./float_text.ts";
 * if (floatText(1) !== "1.0" || floatText(1e16) !== "1e+16") throw new Error("unexpected");
 * ```
 */
export function floatText(value: number): string {
  if (Number.isNaN(value)) return "nan";
  if (!Number.isFinite(value)) return value > 0 ? "inf" : "-inf";
  if (value === 0) return Object.is(value, -0) ? "-0.0" : "0.0";
  // toExponential() without digits gives the shortest round-trip digits, as Python's repr.
  const scientific = value.toExponential();
  const e = scientific.indexOf("e");
  const sign = value < 0 ? "-" : "";
  const digits = scientific.slice(sign.length, e).replace(".", "");
  const exponent = Number(scientific.slice(e + 1));
  if (exponent >= -4 && exponent < 16) {
    if (exponent < 0) return `${sign}0.${"0".repeat(-exponent - 1)}${digits}`;
    const whole = digits.slice(0, exponent + 1).padEnd(exponent + 1, "0");
    return `${sign}${whole}.${digits.slice(exponent + 1) || "0"}`;
  }
  const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  const exponentText = String(Math.abs(exponent)).padStart(2, "0");
  return `${sign}${mantissa}e${exponent < 0 ? "-" : "+"}${exponentText}`;
}
