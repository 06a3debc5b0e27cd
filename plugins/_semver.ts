/**
 * Just enough semver to pick a JSR version: exact versions, partial ones (`1`, `1.2`), and
 * `^`, `~`, `*` ranges, preferring releases over pre-releases.
 *
 * @module
 */

interface Version {
  major: number;
  minor: number;
  patch: number;
  pre: string;
}

const VERSION = /^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;

function parse(text: string): Version | undefined {
  const m = VERSION.exec(text);
  return m ? { major: +m[1], minor: +m[2], patch: +m[3], pre: m[4] ?? "" } : undefined;
}

/** Orders versions: lower first; a pre-release before its release. */
export function compareVersions(a: string, b: string): number {
  const x = parse(a);
  const y = parse(b);
  if (!x || !y) return a.localeCompare(b);
  const byNumber = x.major - y.major || x.minor - y.minor || x.patch - y.patch;
  if (byNumber !== 0) return byNumber;
  if (x.pre === y.pre) return 0;
  if (x.pre === "") return 1;
  if (y.pre === "") return -1;
  return x.pre.localeCompare(y.pre, "en", { numeric: true });
}

/**
 * The highest version that satisfies `wanted`.
 *
 * @param wanted an exact version, `1`, `1.2`, `^1.2.3`, `~1.2.3` or `*`.
 * @param versions the candidates.
 * @returns the best match, or `undefined`.
 */
export function pickVersion(wanted: string, versions: string[]): string | undefined {
  if (versions.includes(wanted)) return wanted;
  const matches = versions.filter((v) => satisfies(v, wanted)).sort(compareVersions);
  return matches[matches.length - 1];
}

function satisfies(candidate: string, wanted: string): boolean {
  const v = parse(candidate);
  // Ranges never pick a pre-release; ask for one exactly.
  if (!v || v.pre !== "") return false;
  if (wanted === "*" || wanted === "latest") return true;
  const op = wanted[0] === "^" || wanted[0] === "~" ? wanted[0] : "";
  const parts = wanted.slice(op.length).split(".");
  if (parts.length > 3 || !parts.every((p) => /^\d+$/.test(p))) return false;
  const [major, minor, patch] = parts.map(Number);
  if (op === "") {
    // A partial version: `1` is 1.x.x, `1.2` is 1.2.x.
    return v.major === major && (minor === undefined || v.minor === minor) &&
      (patch === undefined || v.patch === patch);
  }
  const base = { major, minor: minor ?? 0, patch: patch ?? 0 };
  if (compareVersions(candidate, `${base.major}.${base.minor}.${base.patch}`) < 0) return false;
  if (op === "~") return v.major === base.major && (minor === undefined || v.minor === base.minor);
  // `^`: no change in the first non-zero part.
  if (base.major > 0 || minor === undefined) return v.major === base.major;
  if (base.minor > 0 || patch === undefined) return v.major === 0 && v.minor === base.minor;
  return v.major === 0 && v.minor === 0 && v.patch === base.patch;
}
