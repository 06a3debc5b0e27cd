/**
 * The command-line interface: one file per command, wired in `cli.ts`.
 *
 * @module
 */

export * from "./cli.ts";
export * from "./context.ts";
