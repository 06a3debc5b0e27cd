/**
 * dlt's "Missing N field(s) in configuration" message: every `(provider, key)` tried per
 * field, then the files each provider loaded or probed, then a hint naming where to set it.
 * It never holds a value, only names.
 */

import { envKey } from "./env_provider.ts";
import type { ConfigProvider, LookupTrace } from "./types.ts";

/** A field no provider had. */
export interface MissingField {
  name: string;
  secret: boolean;
  /** Sections it was looked up under, e.g. `["sources", "demo"]`. */
  sections: readonly string[];
  traces: readonly LookupTrace[];
}

/** Formats the message listing every missing field; see the module doc. */
export function formatMissingFields(
  missing: readonly MissingField[],
  providers: readonly ConfigProvider[],
  configName?: string,
): string {
  const names = missing.map((f) => `\`${f.name}\``).join(", ");
  const of = configName ? ` \`${configName}\`` : "";
  const lines = [`Missing ${missing.length} field(s) in configuration${of}: ${names}`];
  for (const field of missing) {
    lines.push(
      `for field \`${field.name}\` the following (config provider, key) were tried in order:`,
    );
    for (const trace of field.traces) lines.push(`\t(${trace.provider}, ${trace.key})`);
  }
  for (const provider of providers) lines.push(...describeLocations(provider));
  for (const field of missing) lines.push(hint(field, missing.length > 1));
  return lines.join("\n");
}

function describeLocations(provider: ConfigProvider): string[] {
  const lines: string[] = [];
  const name = provider.name;
  if (provider.loaded.length > 0) {
    lines.push(`Provider \`${name}\` loaded values from locations:`);
    for (const path of provider.loaded) lines.push(`\t- ${path}`);
  }
  const notFound = provider.probed.filter((p) => !provider.loaded.includes(p));
  if (notFound.length > 0) {
    lines.push(`Provider \`${name}\` probed but not found:`);
    for (const path of notFound) lines.push(`\t- ${path}`);
  }
  if (provider.isEmpty && provider.probed.length > 0) {
    lines.push(
      `WARNING: provider \`${name}\` is empty. Locations (i.e., files) are missing or empty.`,
    );
  }
  return lines;
}

function hint(field: MissingField, named: boolean): string {
  const subject = named ? `\`${field.name}\`` : "it";
  const file = field.secret ? ".dlt/secrets.toml" : ".dlt/config.toml";
  const where = field.sections.length > 0
    ? `under [${field.sections.join(".")}]`
    : `as a top-level key`;
  return `Set ${subject} as env var ${
    envKey([...field.sections, field.name])
  } or in ${file} ${where}`;
}
