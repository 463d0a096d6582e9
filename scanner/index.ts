/** Scan any supported file: the format is detected from its magic number, then the format's scanner runs. */
import type { ByteSource } from "../refs/storage/index.js";
import { DEFAULT_SCAN_MEMORY_BUDGET, ScanBudget } from "./budget.js";
import { detectFormat, type SourceFormat } from "./detect.js";
import { ScanError } from "./errors.js";
import { ScanSource } from "./scan-source.js";
import type { Scanner, ScanOptions, ScanResult } from "./types.js";
import { checkWithinFile } from "./within-file.js";

export { DEFAULT_SCAN_MEMORY_BUDGET, ScanBudgetError } from "./budget.js";
export { detectFormat, formatOfHeader, type SourceFormat } from "./detect.js";
export * from "./errors.js";
export { ScanSource } from "./scan-source.js";
export type { OnError, ScanIssue, Scanner, ScanOptions, ScanResult } from "./types.js";
export { TruncatedFileError } from "./within-file.js";

/** Each format's scanner, imported on its first file (a NetCDF scan never loads geotiff.js, nor a TIFF scan netcdfjs). */
export const scanners: Record<SourceFormat, Scanner> = {
  hdf5: async (...a) => (await import("./hdf5/scan.js")).scanHdf5(...a),
  netcdf3: async (...a) => (await import("./netcdf3/index.js")).scanNetCDF3(...a),
  tiff: async (...a) => (await import("./tiff/index.js")).scanTiff(...a),
};

export interface DetectedScan extends ScanResult {
  format: SourceFormat;
}

export async function scanFile(
  source: ByteSource,
  url: string,
  options: ScanOptions = {},
): Promise<DetectedScan> {
  const budget = new ScanBudget(url, options.memoryBudget ?? DEFAULT_SCAN_MEMORY_BUDGET);
  // Wrapped once, before detection: detection, headers and metadata all read through one cache and one counter.
  source = ScanSource.of(source, budget);
  options = { ...options, budget };
  const { timeoutMs } = options;
  if (timeoutMs === undefined) return detectAndScan(source, url, options);
  const timer = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, timer.signal]) : timer.signal;
  let handle: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    handle = setTimeout(() => {
      const error = new ScanError(
        url,
        "",
        `scan gave up after ${timeoutMs} ms (a stalled read or a hostile file)`,
      );
      timer.abort(error);
      reject(error);
    }, timeoutMs);
  });
  try {
    return await Promise.race([detectAndScan(source, url, { ...options, signal }), expired]);
  } finally {
    clearTimeout(handle);
  }
}

async function detectAndScan(source: ByteSource, url: string, options: ScanOptions): Promise<DetectedScan> {
  const format = await detectFormat(source, { signal: options.signal });
  const result = await scanners[format](source, url, options);
  checkWithinFile(result.refs, url, await source.size({ signal: options.signal }));
  return { ...result, format };
}

export { geotiffSource } from "./tiff/source.js";
