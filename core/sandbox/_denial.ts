/**
 * Reads Deno's permission denials (`NotCapable: Requires net access to "x:443", run again
 * with the --allow-net flag`) out of the errors a sandbox worker reports, and says in one line
 * which connector was denied what, and how to grant it when it can be granted.
 *
 * @module
 */

/** A permission the connector's code lacked. */
export interface Denial {
  /** Deno's permission name: `net`, `read`, `write`, `env`, `run`, `sys`, `ffi`, `import`. */
  kind: string;
  /** What it asked for (`evil.example:443`, a path, a variable); absent for all of a kind. */
  target?: string;
}

const REQUIRES = /Requires (\w+) access(?: to "((?:[^"\\]|\\.)*)")?/;

/** The denial an error message reports, if it reports one. */
export function denialOf(message: string): Denial | undefined {
  const match = REQUIRES.exec(message);
  if (!match) return undefined;
  return match[2] === undefined ? { kind: match[1] } : { kind: match[1], target: match[2] };
}

const WHY: Record<string, string> = {
  read: "connector code may read only the connector's own files",
  write: "connector code cannot write files",
  env: "connector code cannot read environment variables (its config fields get their values)",
  run: "connector code cannot run programs",
  sys: "connector code cannot read system information",
  ffi: "connector code cannot load native libraries",
  import: "a connector may import only its own files",
};

/**
 * One line: who was denied what, where, and how to grant it (only `net` can be granted,
 * through the connector's `allowed_hosts`).
 *
 * @param connector the connector as named to the user (`"shop"`, a file path).
 * @param denial what was denied.
 * @param where where it happened: while its module loaded (which has no network at all), or
 *   in a hook (`in processing step 1 (map) of resource "users"`).
 */
export function denialMessage(
  connector: string,
  denial: Denial,
  where: "while loading" | string,
): string {
  const what = denial.target === undefined
    ? `${denial.kind} access`
    : `${denial.kind} access to "${denial.target}"`;
  const head = `Connector ${connector} was denied ${what} ${where}`;
  if (denial.kind === "net" && where === "while loading") {
    return `${head}: a connector's module has no network while it loads (its processing ` +
      `steps may reach its declared hosts), and this cannot be granted`;
  }
  if (denial.kind === "net") {
    const host = denial.target ?? "<host>:<port>";
    return `${head}: connector code may reach only the hosts of its client.base_url, its OAuth ` +
      `token URL and its allowed_hosts; add "${host}" to the connector's allowed_hosts to allow it`;
  }
  const why = WHY[denial.kind] ?? `connector code has no ${denial.kind} access`;
  return `${head}: ${why}, and this cannot be granted`;
}
