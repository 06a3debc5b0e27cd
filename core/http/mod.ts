/**
 * The HTTP layer: a client with retries, timeouts and dlt's error wording; auth kinds;
 * paginators and their auto-detection; a small JSON path getter. Config keys are dlt's.
 *
 * @example Usage
 * ```ts
 * import { createAuth, createPaginator, HttpClient } from "./mod.ts";
 *
 * const client = new HttpClient({ timeoutMs: 30_000 });
 * const auth = createAuth({ type: "bearer", token: "t0ken" });
 * const paginator = createPaginator({ type: "page_number", base_page: 1, total_path: "total_pages" });
 * const request = {
 *   method: "GET" as const,
 *   url: new URL("https://api.example.com/items"),
 *   headers: new Headers(),
 * };
 * paginator.initRequest(request);
 * // const response = await client.request(request, { auth });
 * ```
 *
 * @module
 */

export * from "./types.ts";
export * from "./client.ts";
export * from "./auth_scope.ts";
export * from "./json_path.ts";
export * from "./auth/mod.ts";
export * from "./paginators/mod.ts";
