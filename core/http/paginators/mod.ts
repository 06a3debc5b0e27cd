/**
 * Paginators (dlt's `json_link`, `header_link`, `offset`, `page_number`, `cursor`,
 * `header_cursor`, `single_page`, and dltx's `header_range`), the `createPaginator` registry
 * and `detectPaginator`.
 *
 * @module
 */

export * from "./create_paginator.ts";
export * from "./cursor.ts";
export * from "./detect.ts";
export * from "./header_cursor.ts";
export * from "./header_link.ts";
export * from "./header_range.ts";
export * from "./json_link.ts";
export * from "./offset.ts";
export * from "./page_number.ts";
export * from "./single_page.ts";
