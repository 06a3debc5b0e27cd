/**
 * dlt-compatible streaming normalization: naming (snake_case), type inference and coercion,
 * flattening of nested objects, child tables for lists, and schema evolution.
 *
 * @module
 */

export * from "./naming.ts";
export * from "./infer.ts";
export * from "./normalizer.ts";
export * from "./name_collision.ts";
