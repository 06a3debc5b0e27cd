/**
 * Small building blocks for validating `unknown` input key by key. Each check records a
 * problem (with the key path) instead of throwing, so one run reports every mistake, and
 * returns the value (normalized where that is trivial) or `undefined` when it is invalid.
 *
 * @module
 */

/** Collects problems found while validating one document. */
export class Checker {
  /** Problems, each naming the key path: `resources[2].endpoint.path must be a string (got 3)`. */
  readonly problems: string[] = [];

  /** Records a problem at `path`. */
  fail(path: string, message: string): undefined {
    this.problems.push(`${path} ${message}`);
    return undefined;
  }

  /** A non-empty string. */
  string(value: unknown, path: string, options: { secret?: boolean } = {}): string | undefined {
    if (typeof value === "string" && value !== "") return value;
    if (value === "") return this.fail(path, "must not be empty");
    return this.fail(path, `must be a string (got ${describe(value, options.secret)})`);
  }

  /** A string, empty allowed. */
  anyString(value: unknown, path: string, options: { secret?: boolean } = {}): string | undefined {
    if (typeof value === "string") return value;
    return this.fail(path, `must be a string (got ${describe(value, options.secret)})`);
  }

  /** A string, number or boolean, turned into a string (header values, form fields). */
  scalarString(value: unknown, path: string): string | undefined {
    if (typeof value === "string") return value;
    if (typeof value === "number" || typeof value === "boolean") return String(value);
    return this.fail(path, `must be a string (got ${describe(value)})`);
  }

  /** `true` or `false`. */
  boolean(value: unknown, path: string): boolean | undefined {
    if (typeof value === "boolean") return value;
    return this.fail(path, `must be true or false (got ${describe(value)})`);
  }

  /** An integer, at least `min` when given. */
  integer(value: unknown, path: string, min?: number): number | undefined {
    if (typeof value !== "number" || !Number.isInteger(value)) {
      return this.fail(path, `must be an integer (got ${describe(value)})`);
    }
    if (min !== undefined && value < min) {
      return this.fail(
        path,
        `must be ${min === 0 ? "0 or more" : `at least ${min}`} (got ${value})`,
      );
    }
    return value;
  }

  /** One of a fixed set of strings; suggests the closest one on a typo. */
  oneOf<T extends string>(value: unknown, path: string, allowed: readonly T[]): T | undefined {
    if (typeof value === "string" && (allowed as readonly string[]).includes(value)) {
      return value as T;
    }
    const hint = typeof value === "string" ? didYouMean(value, allowed) : "";
    return this.fail(path, `must be one of ${allowed.join(", ")} (got ${describe(value)}${hint})`);
  }

  /** A list; each item is checked with `item`. Invalid items are dropped. */
  list<T>(
    value: unknown,
    path: string,
    item: (value: unknown, path: string) => T | undefined,
    options: { nonEmpty?: boolean } = {},
  ): T[] | undefined {
    if (!Array.isArray(value)) return this.fail(path, `must be a list (got ${describe(value)})`);
    if (options.nonEmpty && value.length === 0) return this.fail(path, "must not be empty");
    const out: T[] = [];
    value.forEach((v, i) => {
      const checked = item(v, `${path}[${i}]`);
      if (checked !== undefined) out.push(checked);
    });
    return out;
  }

  /** A plain object used as a map; each value is checked with `item`. */
  record<T>(
    value: unknown,
    path: string,
    item: (value: unknown, path: string, key: string) => T | undefined,
  ): Record<string, T> | undefined {
    if (!isPlainObject(value)) return this.fail(path, `must be an object (got ${describe(value)})`);
    const out: Record<string, T> = {};
    for (const [key, v] of Object.entries(value)) {
      const checked = item(v, join(path, key), key);
      if (checked !== undefined) out[key] = checked;
    }
    return out;
  }

  /**
   * An object with a fixed set of keys: unknown keys are problems (with a "did you mean"),
   * `required` keys must be present. Returns the object when it is an object at all, so the
   * caller can go on checking its keys.
   */
  keys(
    value: unknown,
    path: string,
    known: readonly string[],
    options: { required?: readonly string[]; unsupported?: Record<string, string>; what?: string } =
      {},
  ): Record<string, unknown> | undefined {
    if (!isPlainObject(value)) {
      return this.fail(path || "the connector", `must be an object (got ${describe(value)})`);
    }
    for (const key of Object.keys(value)) {
      if (known.includes(key)) continue;
      const reason = options.unsupported?.[key];
      if (reason !== undefined) {
        this.fail(join(path, key), `is not supported by dltx yet${reason ? ` (${reason})` : ""}`);
        continue;
      }
      const hint = didYouMean(key, known);
      this.fail(
        join(path, key),
        hint
          ? `is not a known key${hint}`
          : `is not a known key${options.what ? ` of ${options.what}` : ""}; known keys: ${
            known.join(", ")
          }`,
      );
    }
    for (const key of options.required ?? []) {
      if (value[key] === undefined) this.fail(join(path, key), "is required");
    }
    return value;
  }
}

/** Joins a key path: `resources[2]` + `endpoint` -> `resources[2].endpoint`. */
export function join(path: string, key: string): string {
  const safe = /^[A-Za-z_][\w-]*$/.test(key) ? key : JSON.stringify(key);
  return path === "" ? safe : `${path}.${safe}`;
}

/** Whether `value` is a plain object (not an array, not null, not a class instance). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Short description of a bad value for an error message; never prints a secret. */
export function describe(value: unknown, secret = false): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (typeof value === "function") return "a function";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "an object";
  if (secret) return `a ${typeof value}`;
  if (typeof value === "string") {
    return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  }
  return String(value);
}

/** `; did you mean "x"?` for the closest candidate, or `""` when none is close. */
export function didYouMean(word: string, candidates: readonly string[]): string {
  let best = "";
  let bestDistance = Infinity;
  const lower = word.toLowerCase();
  for (const candidate of candidates) {
    const d = distance(lower, candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  // Close enough to be a typo: one edit for short words, a third of the word for longer ones.
  const limit = Math.max(1, Math.floor(word.length / 3));
  return best && bestDistance <= limit ? `; did you mean "${best}"?` : "";
}

/** Levenshtein distance (small strings only: config keys and enum values). */
function distance(a: string, b: string): number {
  if (a === b) return 0;
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
    }
    previous = current;
  }
  return previous[b.length];
}
