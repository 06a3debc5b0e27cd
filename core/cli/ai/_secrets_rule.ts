/**
 * The secrets-handling rule `dltx ai init` gives every assistant: it never reads
 * `.dlt/secrets.toml`; it learns what is set through the MCP secrets tools and sets a value
 * the user gave through `secrets_update_fragment`. Kept apart from `_rules.ts` (how to write a
 * connector), so each can change on its own.
 *
 * @module
 */

/** The rule as Markdown, a level-2 heading down. */
export function secretsRuleMarkdown(): string {
  return `## Secrets in this project

- Never open, read, print, grep or copy \`.dlt/secrets.toml\` (or \`~/.dlt/secrets.toml\`), and
  never ask the user to paste it into the chat. The same holds for env vars such as
  \`SOURCES__<CONNECTOR>__<FIELD>\`: never echo them.
- To know what is set and where, use the \`dltx\` MCP server: \`secrets_list\` (each secrets
  file and env var with the keys it sets, never a value), \`secrets_view_redacted\` (the
  file's tables and keys with every value starred; \`<placeholders>\` show what is missing)
  and \`config_status\` (each config field of a connector: set or not, and from where).
- To set a secret, ask the user for the value (or let them edit the file themselves). Once they
  approved, call \`secrets_update_fragment\` with a TOML fragment:

  \`\`\`toml
  [sources.<connector>]
  api_key = "<the value the user gave>"
  \`\`\`

  It merges the fragment into \`.dlt/secrets.toml\`, keeps the file's comments and other
  values, and answers which keys it set. Then \`config_status\` confirms the connector finds it.
- Never invent a secret, and never put one in a connector file, a command line, a log, a test
  or a commit.
`;
}
