/**
 * The encoding of `_dlt_pipeline_state.state`: base64 of zlib-deflated JSON, as dlt writes it,
 * so dlt and dltx can read each other's state rows.
 *
 * @module
 */

import { Buffer } from "node:buffer";
import { deflateSync, inflateSync } from "node:zlib";
import { DataError } from "../errors.ts";
import { parseJson, stringifyJson } from "../json/mod.ts";

/**
 * Encodes a pipeline state object for `_dlt_pipeline_state.state`.
 *
 * @example Usage
 * ```ts
 * import { compressState, decompressState } from "./state_codec.ts";
 * const blob = compressState({ sources: {} });
 * if (JSON.stringify(decompressState(blob)) !== '{"sources":{}}') throw new Error(blob);
 * ```
 */
export function compressState(state: Record<string, unknown>): string {
  // Exact numbers: cursor values past 2^53 keep their digits, as dlt's state has them.
  const json = Buffer.from(stringifyJson(state), "utf8");
  return Buffer.from(deflateSync(json, { level: 9 })).toString("base64");
}

/**
 * Decodes a `_dlt_pipeline_state.state` value.
 *
 * @throws {DataError} when the value is not base64(zlib(JSON object))
 */
export function decompressState(blob: string): Record<string, unknown> {
  try {
    const json = inflateSync(Buffer.from(blob, "base64")).toString("utf8");
    const state = parseJson(json);
    if (state === null || typeof state !== "object" || Array.isArray(state)) {
      throw new Error("not a JSON object");
    }
    return state as Record<string, unknown>;
  } catch (err) {
    throw new DataError(
      `Cannot decode pipeline state "${blob.slice(0, 20)}...": ${(err as Error).message}`,
      { cause: err },
    );
  }
}
