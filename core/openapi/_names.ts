/**
 * Names: snake_case identifiers from spec names, singular nouns, and the resource name of
 * each path, unique across the spec.
 *
 * @module
 */

/**
 * A spec name as a snake_case identifier: `customerAccounts` -> `customer_accounts`,
 * `user-name` -> `user_name`, `users.json` -> `users_json`.
 *
 * @param text any name.
 * @returns letters, digits and `_`, starting with a letter or `_`; `""` when nothing is left.
 */
export function snakeCase(text: string): string {
  const snake = text
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1_$2")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "");
  return /^[0-9]/.test(snake) ? `_${snake}` : snake;
}

/** A plural noun's singular, for the common English endings: `issues` -> `issue`. */
export function singular(word: string): string {
  if (/ies$/.test(word) && word.length > 4) return word.replace(/ies$/, "y");
  if (/(ss|us|is)$/.test(word)) return word;
  if (/(sses|xes|ches|shes|zes)$/.test(word)) return word.replace(/es$/, "");
  if (/s$/.test(word) && word.length > 2) return word.slice(0, -1);
  return word;
}

interface PathSegments {
  path: string;
  /** The static segments, snake_case; `followedByParam` when a `{param}` comes next. */
  statics: { name: string; followedByParam: boolean }[];
  endsWithParam: boolean;
}

function segmentsOf(path: string): PathSegments {
  const parts = path.split("/").filter((p) => p !== "");
  const statics: PathSegments["statics"] = [];
  parts.forEach((part, i) => {
    if (/^\{.*\}$/.test(part)) return;
    // `users.json` and `users:search` keep their noun.
    const name = snakeCase(part.replace(/\.(json|xml|ya?ml)$/i, ""));
    if (name === "") return;
    const next = parts[i + 1];
    statics.push({ name, followedByParam: next !== undefined && /^\{.*\}$/.test(next) });
  });
  const last = parts[parts.length - 1];
  return { path, statics, endsWithParam: last !== undefined && /^\{.*\}$/.test(last) };
}

/**
 * The name of a path that uses its last `depth` static segments: a segment followed by a
 * parameter is singular (`issues/{n}/comments` -> `issue_comments`), and so is the last one
 * when the path ends with a parameter (`users/{id}` -> `user`).
 */
function nameAt(segments: PathSegments, depth: number): string {
  const { statics, endsWithParam } = segments;
  if (statics.length === 0) return "root";
  const used = statics.slice(-depth);
  return used.map((s, i) => {
    const isLast = i === used.length - 1;
    return (isLast ? endsWithParam : s.followedByParam) ? singular(s.name) : s.name;
  }).join("_");
}

/**
 * One resource name per path, unique among them: the last static segment, qualified by the
 * segments before it only where two paths would share a name (`/repos/{o}/{r}/issues` and
 * `/orgs/{org}/issues` become `repo_issues` and `org_issues`; `/issues` stays `issues`).
 *
 * @example Usage
 * ```ts
 * import { resourceNames } from "./_names.ts";
 * const names = resourceNames(["/users", "/users/{id}", "/users/{id}/orders"]);
 * names.get("/users/{id}/orders"); // "orders"
 * ```
 * @param paths the spec's paths, in the spec's order.
 * @returns the name of each path.
 */
export function resourceNames(paths: readonly string[]): Map<string, string> {
  const segments = paths.map(segmentsOf);
  const depth = new Map(paths.map((p) => [p, 1]));
  for (let round = 0; round < 20; round++) {
    const byName = new Map<string, PathSegments[]>();
    for (const s of segments) {
      const name = nameAt(s, depth.get(s.path)!);
      byName.set(name, [...(byName.get(name) ?? []), s]);
    }
    let changed = false;
    for (const group of byName.values()) {
      if (group.length < 2) continue;
      for (const s of group) {
        if (depth.get(s.path)! < s.statics.length) {
          depth.set(s.path, depth.get(s.path)! + 1);
          changed = true;
        }
      }
    }
    if (!changed) break;
  }
  // Paths that still clash differ in where their parameters are (`/users/{u}/repos` and
  // `/user/repos`): their static segments as written, then all their segments, tell them
  // apart; past that, a number.
  const forms = segments.map((s) => {
    const all = s.path.split("/").filter((p) => p !== "").map((p) =>
      snakeCase(p.replace(/[{}]/g, ""))
    );
    return [nameAt(s, depth.get(s.path)!), s.statics.map((x) => x.name).join("_"), all.join("_")];
  });
  const names = new Map<string, string>();
  const taken = new Set<string>();
  segments.forEach((s, i) => {
    let level = 0;
    while (
      level < 2 && forms.filter((f, j) => j !== i && f[level] === forms[i][level]).length > 0
    ) level++;
    const base = forms[i][level] || "root";
    let name = base;
    for (let n = 2; taken.has(name); n++) name = `${base}_${n}`;
    taken.add(name);
    names.set(s.path, name);
  });
  return names;
}
