/**
 * Masking of known secret values in any text dltx prints, logs or stores.
 *
 * @module
 */

import { secretSpellings } from "./secret_spellings.ts";

/** What a masked secret is replaced with. */
export const MASK = "***";

/**
 * Collects secret values and replaces every occurrence of them in text with `***`.
 *
 * @example Usage
 * ```ts
 * import { SecretMasker } from "./secret_masker.ts";
 * import { equal } from "node:assert/strict";
 *
 * const masker = new SecretMasker();
 * masker.add("s3cr3t-token");
 * equal(masker.mask("Authorization: Bearer s3cr3t-token"), "Authorization: Bearer ***");
 * ```
 */
export class SecretMasker {
  readonly #secrets = new Set<string>();
  // Built lazily: secrets are added a few times per run, text is masked many times.
  #pattern: RegExp | undefined;

  /**
   * Registers a secret. Strings are added in every spelling of `secretSpellings()` (as they
   * are, URL- and form-encoded, JSON-escaped); numbers as their text; tables and arrays
   * contribute their string leaves only (a credentials table's port number is not a secret
   * worth masking everywhere). Values shorter than `MIN_SECRET_LENGTH` (4), `undefined`,
   * `null` and booleans are ignored.
   *
   * @param secret The secret value, e.g. a resolved secret config field.
   */
  add(secret: unknown): void {
    if (typeof secret === "number" || typeof secret === "bigint") {
      this.#addString(String(secret));
    } else {
      this.#addLeaves(secret, 0);
    }
  }

  /** How many distinct strings are masked. */
  get size(): number {
    return this.#secrets.size;
  }

  /**
   * Replaces every occurrence of every secret with `***`, longest secrets first so a secret
   * that contains another is masked whole.
   *
   * @param text Any text.
   * @returns The text with secrets masked.
   */
  mask(text: string): string {
    if (this.#secrets.size === 0 || text.length === 0) return text;
    this.#pattern ??= buildPattern(this.#secrets);
    return text.replace(this.#pattern, MASK);
  }

  #addLeaves(value: unknown, depth: number): void {
    if (typeof value === "string") {
      this.#addString(value);
    } else if (typeof value === "object" && value !== null && depth < 32) {
      const items = Array.isArray(value) ? value : Object.values(value);
      for (const item of items) this.#addLeaves(item, depth + 1);
    }
  }

  #addString(secret: string): void {
    // A secret seen before has all its spellings here already.
    if (this.#secrets.has(secret)) return;
    const before = this.#secrets.size;
    for (const spelling of secretSpellings(secret)) this.#secrets.add(spelling);
    if (this.#secrets.size !== before) this.#pattern = undefined;
  }
}

function buildPattern(secrets: Iterable<string>): RegExp {
  const sorted = [...secrets].sort((a, b) => b.length - a.length);
  return new RegExp(sorted.map(escapeRegExp).join("|"), "g");
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");
}
