/**
 * The bucket of the filesystem destination: a local folder given as a path or a `file://` URL
 * (dlt's `bucket_url`).
 *
 * @module
 */

import { resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { ConfigError } from "../../core/errors.ts";

/** A bucket resolved to a local folder. */
export interface Bucket {
  /** The absolute folder. */
  path: string;
  /** `file:///abs/folder`, as dlt's load info prints it. */
  url: string;
}

/** `s3://`, `gs://`, `az://`, `memory://`, ...: a scheme other than `file`. */
const SCHEME = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//;

/**
 * Resolves `bucketUrl`: a local path (relative ones against the working directory) or a
 * `file://` URL with an absolute path.
 *
 * @throws {ConfigError} for an empty value, another scheme, or a `file://` URL with a host
 */
export function parseBucketUrl(bucketUrl: string): Bucket {
  if (bucketUrl.trim() === "") {
    throw new ConfigError(
      "The filesystem destination needs a bucket_url: a local folder or a file:// URL " +
        "(set DESTINATION__FILESYSTEM__BUCKET_URL)",
    );
  }
  const scheme = bucketUrl.match(SCHEME)?.[1].toLowerCase();
  let path: string;
  if (scheme === undefined) {
    path = resolve(bucketUrl);
  } else if (scheme === "file") {
    let url: URL;
    try {
      url = new URL(bucketUrl);
    } catch (err) {
      throw new ConfigError(`The bucket_url "${bucketUrl}" is not a valid file:// URL`, {
        cause: err,
      });
    }
    if (url.host !== "" && url.host !== "localhost") {
      throw new ConfigError(
        `The bucket_url "${bucketUrl}" names host "${url.host}"; a file:// URL needs an ` +
          `absolute path, as in file:///data/lake (three slashes)`,
      );
    }
    path = resolve(fileURLToPath(new URL(`file://${url.pathname}`)));
  } else {
    throw new ConfigError(
      `The bucket_url "${bucketUrl}" uses the ${scheme}:// scheme; only local paths and ` +
        "file:// URLs are supported by the filesystem destination",
    );
  }
  return { path, url: pathToFileURL(path).href };
}
