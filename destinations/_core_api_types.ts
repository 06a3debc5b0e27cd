/**
 * The core types a destination's public API refers to (its options, the `Destination`
 * interface it implements, the requests it takes). Each destination's entry point re-exports
 * them, so it documents on its own (`deno doc --lint`) without the whole library.
 *
 * @module
 */

export type { Deps } from "../core/deps.ts";
export type { Logger } from "../core/log.ts";
export type {
  Destination,
  DropRequest,
  LoadJob,
  LoadRequest,
  LoadSession,
  PipelineStateRow,
  StoredPipeline,
} from "../core/pipeline/destination.ts";
export type * from "../core/schema/types.ts";
