/**
 * The editors `dltx ai` sets up, in a module of its own so the command line can name them in
 * its help without loading the AI setup code.
 *
 * @module
 */

/** The editors `dltx ai setup` knows. */
export const AI_AGENTS = ["claude", "cursor", "codex", "copilot", "continue"] as const;

/** One of {@linkcode AI_AGENTS}. */
export type AiAgent = typeof AI_AGENTS[number];
