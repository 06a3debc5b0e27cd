/**
 * Contracts of the HTTP layer: requests, responses, auth kinds and paginators, with dlt's
 * config keys (`type` selects the kind).
 *
 * @module
 */

/** A request being prepared; auth and paginators mutate it before it is sent. */
export interface HttpRequest {
  /** The HTTP method. */
  method: "GET" | "POST";
  /** The full URL, query included. */
  url: URL;
  /** Headers sent with it. */
  headers: Headers;
  /** JSON body (POST `json`), already an object; serialized by the client. */
  json?: unknown;
  /** Form body (POST `data`). */
  data?: Record<string, string>;
}

/** A received response whose body was parsed as JSON. */
export interface HttpResponse {
  /** The HTTP status code. */
  status: number;
  /** The response headers. */
  headers: Headers;
  /** Final URL (after redirects). */
  url: URL;
  /** Parsed JSON body (`undefined` for an empty body). */
  body: unknown;
  /** Length of the body text, for memory bounds. */
  bytes?: number;
}

/** One `response_actions` entry (dlt): match on status and/or body substring. */
export interface ResponseAction {
  /** Matches this status code (any when not given). */
  status_code?: number;
  /** Matches when the response body contains this text. */
  content?: string;
  /** `ignore`: end the resource's pagination quietly. */
  action: "ignore";
}

/** Authentication config, dlt's keys. No `type` means bearer. */
export type AuthConfig =
  | { type?: "bearer"; token: string }
  | {
    type: "api_key";
    /** Header, query param or cookie name. @default "Authorization" */
    name?: string;
    api_key: string;
    /** @default "header" */
    location?: "header" | "query" | "cookie";
  }
  | { type: "http_basic"; username: string; password: string }
  | {
    type: "oauth2_client_credentials";
    access_token_url: string;
    client_id: string;
    client_secret: string;
    access_token_request_data?: Record<string, string>;
    /** Seconds. @default 3600 */
    default_token_expiration?: number;
  };

/** Paginator config, dlt's keys and defaults (see DLT_REFERENCE.md). */
export type PaginatorConfig =
  | { type: "json_link"; next_url_path?: string }
  | { type: "header_link"; links_next_key?: string }
  | {
    type: "offset";
    limit: number;
    offset?: number;
    offset_param?: string;
    limit_param?: string;
    /** Put the offset into the JSON body at this path instead of a query param (dlt 1.x). */
    offset_body_path?: string;
    /** Put the limit into the JSON body at this path instead of a query param (dlt 1.x). */
    limit_body_path?: string;
    total_path?: string | null;
    maximum_offset?: number;
    stop_after_empty_page?: boolean;
    has_more_path?: string;
  }
  | {
    type: "page_number";
    base_page?: number;
    page?: number;
    page_param?: string;
    /** Put the page number into the JSON body at this path instead of a query param (dlt 1.x). */
    page_body_path?: string;
    total_path?: string | null;
    maximum_page?: number;
    stop_after_empty_page?: boolean;
    has_more_path?: string;
  }
  | {
    type: "cursor";
    cursor_path?: string;
    cursor_param?: string;
    cursor_body_path?: string;
    has_more_path?: string;
  }
  | { type: "header_cursor"; cursor_key?: string; cursor_param?: string }
  | {
    /** `Range`/`Content-Range` headers, as PostgREST and Supabase page (a dltx addition). */
    type: "header_range";
    /** Rows per request: `Range: <offset>-<offset + limit - 1>`. */
    limit: number;
    /** First row. @default 0 */
    offset?: number;
    /** Sent as `Range-Unit`. @default "items" */
    range_unit?: string;
    /** Stop before this row. */
    maximum_offset?: number;
    /**
     * Send the range as query params instead of the `Range` header (PostgREST ignores `Range`
     * on POST, e.g. `/rpc` calls, but honours `offset`/`limit`); with either one set, the other
     * defaults to `offset` or `limit`.
     */
    offset_param?: string;
    limit_param?: string;
  }
  | { type: "single_page" };

/**
 * A paginator, as dlt's: set up the first request, read each response, then either stop or
 * change the request for the next page. One instance serves one request series; `clone()`
 * gives a fresh one (one per parent item for child resources).
 */
export interface Paginator {
  /** Paginator kind (`json_link`, `offset`, ...), for logs. */
  readonly type: string;
  /** Sets the first page's params (e.g. `offset=0&limit=100`). */
  initRequest(request: HttpRequest): void;
  /**
   * Reads a response and the records selected from it; decides whether there is a next page.
   * @throws {DataError} when the paginator would loop (same next URL or cursor twice).
   */
  updateState(response: HttpResponse, records: readonly unknown[]): void;
  /** Changes the request into the next page's request. */
  updateRequest(request: HttpRequest): void;
  /** Whether `updateRequest` leads to another page. */
  readonly hasNextPage: boolean;
  /**
   * Where a later page is, for paginators that know (offset and page numbers below a total or
   * maximum, `header_range` below its `Content-Range` total): writes into `request`, a copy of
   * the next page's request (after `updateRequest`), the page `n` places after that one, and
   * returns `true`; `false` when it cannot know or no such page exists (cursors and links never
   * know). The pages are still read in order; one that turns out not to be the next page the
   * paginator asks for is dropped, so a guess never changes the data.
   */
  pageAhead?(request: HttpRequest, n: number): boolean;
  /** A fresh paginator with the same config and no state. */
  clone(): Paginator;
}

/** An auth kind: adds credentials to a request. */
export interface Auth {
  /** Adds credentials (may fetch a token first, e.g. OAuth2 client credentials). */
  apply(request: HttpRequest, signal?: AbortSignal): Promise<void>;
  /** Secret values this auth holds, so output can mask them. */
  secrets(): string[];
}
