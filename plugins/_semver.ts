/**
 * Picks a JSR version the way npm does, with the `semver` package: exact versions (`1.2.3`,
 * `=1.2.3`, `v1.2.3`), partial ones (`1`, `1.2`, `1.x`) and any range (`^`, `~`, `>=1.2.0`,
 * `<2`, `1.2 - 1.4`, `a || b`, `*`), preferring releases over pre-releases.
 *
 * @module
 */

// @ts-types="@types/semver"
import semver from "semver";

/**
 * Orders versions by semver precedence (SemVer 2.0.0 §11): lower first, a pre-release before its
 * release, pre-release identifiers compared numerically or in ASCII order. Text that is not a
 * version sorts after every version, alphabetically.
 */
export function compareVersions(a: string, b: string): number {
  const x = semver.valid(a);
  const y = semver.valid(b);
  if (x && y) return semver.compare(x, y);
  if (x) return -1;
  if (y) return 1;
  return a.localeCompare(b);
}

/**
 * The highest version that satisfies `wanted`.
 *
 * @param wanted an exact version or an npm range (`1`, `1.x`, `^1.2.3`, `>=1.2.0 <2`, `1 || 2`,
 *   `*`, or `latest` for the highest release).
 * @param versions the candidates.
 * @returns the best match, or `undefined`.
 */
export function pickVersion(wanted: string, versions: string[]): string | undefined {
  if (versions.includes(wanted)) return wanted;
  const range = wanted.trim() === "latest" ? "*" : wanted;
  // `=1.2.3` and `v1.2.3` name one version; find it even when it is a pre-release.
  const exact = semver.valid(range.replace(/^=\s*/, ""));
  if (exact) return versions.find((v) => semver.valid(v) === exact);
  if (semver.validRange(range) === null) return undefined;
  // Ranges pick a pre-release only when the range names one of the same version (npm's rule).
  return semver.maxSatisfying(versions.filter((v) => semver.valid(v)), range) ?? undefined;
}
