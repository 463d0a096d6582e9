import { isAbsolute } from "node:path";
import { fileURLToPath } from "node:url";
import { apiError } from "../api/http-errors.js";
import type { PartitionFile } from "./layout.js";

/** How DuckDB reads each file an item names: a local path, or a URL httpfs must load. */
export function filePaths(files: PartitionFile[]): { paths: string[]; remote: string[] } {
  const paths: string[] = [];
  const remote: string[] = [];
  for (const f of files) {
    if (f.href.startsWith("file://")) paths.push(fileURLToPath(f.href));
    else if (/^(s3|gs|gcs|https?):\/\//.test(f.href)) {
      paths.push(f.href);
      remote.push(f.href);
    } else if (isAbsolute(f.href)) paths.push(f.href);
    else
      throw apiError(
        500,
        `item ${f.itemId}: its data asset href "${f.href}" is neither a file:// URL, an absolute path nor an s3://, gs:// or http(s):// URL`,
      );
  }
  return { paths, remote };
}
