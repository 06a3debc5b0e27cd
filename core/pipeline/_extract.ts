/**
 * Extract and normalize in one streaming pass: pages from the source go through the
 * normalizer straight into the package's job files; finished files of append tables go to
 * the stream loader while later pages are still fetched.
 *
 * @module
 */

import { LoaderError } from "../errors.ts";
import type { EventSink } from "../events.ts";
import type { Logger } from "../log.ts";
import {
  describeCollision,
  type NameCollision,
  Normalizer,
  type SchemaChange,
} from "../normalize/mod.ts";
import type { LoadPackage } from "../package/mod.ts";
import type { MergeStrategy, Schema } from "../schema/types.ts";
import type { Source } from "../source/types.ts";
import type { StreamLoader } from "./_stream_loader.ts";

/** Buffered job-file bytes above which the writer flushes to disk between pages. */
const FLUSH_BYTES = 4 * 1024 * 1024;

/** Counts of one extract-and-normalize pass. */
export interface ExtractCounts {
  rowCounts: Record<string, number>;
  recordCounts: Record<string, number>;
  /** Rows and values a schema contract discarded, per table (only tables with discards). */
  discarded: Record<string, { rows: number; values: number }>;
  /** Keys of one record that became the same column or child table (a value was dropped). */
  collisions: NameCollision[];
}

/** What {@linkcode extractAndNormalize} works with. */
export interface ExtractContext {
  source: Source;
  schema: Schema;
  pkg: LoadPackage;
  loadId: string;
  stream: StreamLoader;
  resources?: string[];
  signal?: AbortSignal;
  /**
   * Receives a `schema_change` event per new table and column, after the page that added it,
   * and a `name_collision` event as a collision is found.
   */
  onEvent?: EventSink;
  /** The destination's longest table name; longer ones are shortened. */
  maxTableNameLength?: number;
  /** The merge strategies the destination supports (see `Destination.mergeStrategies`). */
  mergeStrategies?: readonly MergeStrategy[];
  /** Warns once per table and pair of keys that became the same name (a value was dropped). */
  logger?: Logger;
}

/**
 * Streams every selected resource into job files of `pkg`, evolving `schema` in place.
 * @throws whatever the source, normalizer or a streamed insert throws; the stream loader is
 * stopped first, so nothing new reaches the destination after a failure.
 */
export async function extractAndNormalize(ctx: ExtractContext): Promise<ExtractCounts> {
  const { source, schema, pkg, loadId, stream } = ctx;
  const byName = new Map(source.resources.map((r) => [r.name, r]));
  const normalizer = new Normalizer(schema, {
    loadId,
    maxTableNameLength: ctx.maxTableNameLength,
    mergeStrategies: ctx.mergeStrategies,
    onCollision: (collision) => {
      ctx.logger?.warn(describeCollision(collision));
      ctx.onEvent?.({ type: "name_collision", ...collision });
    },
  });
  const writer = pkg.jobWriter({
    onFileDone: (file) => stream.add({ table: file.table, path: file.path }),
  });
  const sink = (table: string, row: Record<string, unknown>) => writer.write(table, row);
  const recordCounts: Record<string, number> = {};
  const { onEvent } = ctx;
  // Changes already reported; a page only appends to `normalizer.changes` (a discarded row
  // takes back only what it added itself), so everything past this index is new.
  let reported = 0;
  try {
    for await (const page of source.extract({ resources: ctx.resources, signal: ctx.signal })) {
      // The first page came: requests are on their way, the destination may get ready.
      stream.warmUp();
      const resource = page.info ?? byName.get(page.resource);
      if (!resource) throw new LoaderError(`Unknown resource "${page.resource}" in page`);
      for (const record of page.records) normalizer.normalize(record, resource, sink);
      recordCounts[page.resource] = (recordCounts[page.resource] ?? 0) + page.records.length;
      if (onEvent && normalizer.changes.length > reported) {
        reported = reportChanges(normalizer.changes, reported, onEvent, page.resource);
      }
      if (writer.bufferedBytes >= FLUSH_BYTES) await writer.flush();
      stream.check();
    }
  } catch (err) {
    stream.stop();
    throw err;
  } finally {
    await writer.close();
  }
  return {
    rowCounts: writer.rowCounts(),
    recordCounts,
    discarded: normalizer.discarded,
    collisions: normalizer.collisions,
  };
}

/**
 * Emits the changes from index `from` on, naming the resource of the page that made them;
 * returns the new count of reported changes.
 */
function reportChanges(
  changes: SchemaChange[],
  from: number,
  onEvent: EventSink,
  resource: string,
): number {
  for (let i = from; i < changes.length; i++) {
    const change = changes[i];
    onEvent(
      change.kind === "table" ? { type: "schema_change", table: change.table, resource } : {
        type: "schema_change",
        table: change.table,
        column: change.column.name,
        dataType: change.column.data_type,
        resource,
      },
    );
  }
  return changes.length;
}
