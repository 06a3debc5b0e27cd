/**
 * Which GET endpoints of a spec become resources: named on the command line (`--endpoints`,
 * `--all`), or picked on a terminal from a searchable list (`@clack/prompts`).
 *
 * @module
 */

import { autocompleteMultiselect, isCancel } from "@clack/prompts";
import { UserError } from "../errors.ts";
import type { Operation } from "../openapi/mod.ts";

/** How the endpoints are chosen. */
export interface ChooseOptions {
  /** `--endpoints`: comma-separated names, operationIds or paths. */
  endpoints?: string;
  /** `--all`: every GET endpoint. */
  all?: boolean;
  /** Whether a person is at a terminal to ask. */
  interactive: boolean;
  /** Asks that person (the clack prompt by default; tests pass their own). */
  pick?: (operations: readonly Operation[]) => Promise<Operation[]>;
}

/**
 * The chosen operations, in the spec's order.
 *
 * @throws {UserError} for an unknown name, both or neither of `--endpoints` and `--all`
 *   without a terminal, or a cancelled prompt.
 */
export async function chooseOperations(
  operations: readonly Operation[],
  options: ChooseOptions,
): Promise<Operation[]> {
  if (options.all && options.endpoints !== undefined) {
    throw new UserError("Pass --endpoints or --all, not both");
  }
  if (options.all) return [...operations];
  if (options.endpoints !== undefined) return byNames(operations, options.endpoints);
  if (!options.interactive) {
    throw new UserError(
      `Choose the endpoints to load: --endpoints <names> or --all (there is no terminal to ask ` +
        `on). The spec has ${operations.length} GET endpoint(s): ${preview(operations)}`,
    );
  }
  const picked = await (options.pick ?? promptOperations)(operations);
  if (picked.length === 0) throw new UserError("No endpoint chosen: nothing to generate");
  const set = new Set(picked.map((op) => op.path));
  return operations.filter((op) => set.has(op.path));
}

/** `--endpoints a,b`: each a resource name, an operationId, a path or `GET <path>`. */
function byNames(operations: readonly Operation[], list: string): Operation[] {
  const wanted = list.split(",").map((s) => s.trim()).filter((s) => s !== "");
  if (wanted.length === 0) throw new UserError("--endpoints is empty: name at least one endpoint");
  const chosen = new Set<string>();
  for (const name of wanted) {
    const path = name.replace(/^GET\s+/i, "");
    const hit = operations.find((op) => op.name === name) ??
      operations.find((op) => op.operationId === name) ??
      operations.find((op) => op.path === path || op.path === `/${path}`);
    if (!hit) {
      const close = operations.filter((op) =>
        op.name.includes(name.toLowerCase()) || op.path.includes(path) ||
        (op.operationId ?? "").toLowerCase().includes(name.toLowerCase())
      );
      throw new UserError(
        `--endpoints: the spec has no GET endpoint "${name}" (by name, operationId or path)` +
          (close.length > 0
            ? `; did you mean ${preview(close)}`
            : `; its GET endpoints: ${preview(operations)}`),
      );
    }
    chosen.add(hit.path);
  }
  return operations.filter((op) => chosen.has(op.path));
}

/** A few endpoints as `name (GET /path)`, and how many more. */
function preview(operations: readonly Operation[]): string {
  const shown = operations.slice(0, 8).map((op) => `${op.name} (GET ${op.path})`);
  const more = operations.length - shown.length;
  return shown.join(", ") + (more > 0 ? `, and ${more} more` : "");
}

/** The terminal prompt: type to filter, Tab to select, Enter to confirm. */
async function promptOperations(operations: readonly Operation[]): Promise<Operation[]> {
  const answer = await autocompleteMultiselect<string>({
    message: "Which endpoints should become resources? (type to filter, Tab to select, " +
      "Enter to confirm)",
    options: operations.map((op) => ({
      value: op.path,
      label: op.name,
      hint: `GET ${op.path}${op.summary ? ` - ${op.summary}` : ""}`,
    })),
    maxItems: 12,
    required: true,
  });
  if (isCancel(answer)) throw new UserError("Cancelled: nothing was written");
  const set = new Set(answer);
  return operations.filter((op) => set.has(op.path));
}
