/**
 * The one error hierarchy of dltx. `UserError`s carry a message meant for the user and are
 * printed as they are; anything else is a bug and is reported with its stack.
 *
 * @module
 */

/** Base of every error dltx throws on purpose. */
export class LoaderError extends Error {
  /**
   * Makes the error.
   *
   * @param message what failed and how to fix it
   * @param options the `cause`
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "LoaderError";
  }
}

/** The user can fix this. The message is printed as is. */
export class UserError extends LoaderError {
  /**
   * Makes the error.
   *
   * @param message what failed and how to fix it
   * @param options the `cause`
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "UserError";
  }
}

/** Missing or invalid configuration, connector definitions included. */
export class ConfigError extends UserError {
  /**
   * Makes the error.
   *
   * @param message what failed and how to fix it
   * @param options the `cause`
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ConfigError";
  }
}

/** An HTTP request failed for good (after retries) or answered with something unusable. */
export class HttpError extends UserError {
  /** HTTP status, or 0 when no response arrived (connection error, timeout). */
  readonly status: number;
  /** The request URL with secrets masked. */
  readonly url: string;
  /**
   * Makes the error.
   *
   * @param message what failed
   * @param status the HTTP status (0 when no response arrived)
   * @param url the request's URL, secrets masked
   * @param options the `cause`
   */
  constructor(message: string, status: number, url: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "HttpError";
    this.status = status;
    this.url = url;
  }
}

/** Data that cannot be processed as given (malformed JSON, selector matching nothing, ...). */
export class DataError extends UserError {
  /**
   * Makes the error.
   *
   * @param message what failed and how to fix it
   * @param options the `cause`
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "DataError";
  }
}

/** A bug in our code. It is reported with its stack trace. */
export class InternalError extends LoaderError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "InternalError";
  }
}

/** OS error codes of a full disk (or a used-up quota). */
const DISK_FULL_CODES = new Set(["ENOSPC", "EDQUOT"]);

/**
 * Whether `err` (or an error in its `cause` chain) says the disk is full: Deno's `ENOSPC` or
 * `EDQUOT` errors, or DuckDB's IO errors, which carry only the OS message.
 */
export function isDiskFull(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 10; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && DISK_FULL_CODES.has(code)) return true;
    if (/No space left on device|Disk quota exceeded/i.test(e.message)) return true;
  }
  return false;
}
