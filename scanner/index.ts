/** Scan any supported file: the format is detected from its magic number, then the format's scanner runs. */
import type { ByteSource } from "../refs/storage/types.js";
import { detectFormat, type SourceFormat } from "./detect.js";
import { ScanError } from "./errors.js";
import { scanHdf5 } from "./hdf5/scan.js";
import { scanNetCDF3 } from "./netcdf3/index.js";
import { scanTiff } from "./tiff/index.js";
import type { Scanner, ScanOptions, ScanResult } from "./types.js";

export { detectFormat, formatOfHeader, type SourceFormat } from "./detect.js";
export * from "./errors.js";
export type { OnError, ScanIssue, Scanner, ScanOptions, ScanResult } from "./types.js";

export const scanners: Record<SourceFormat, Scanner> = {
  hdf5: scanHdf5,
  netcdf3: scanNetCDF3,
  tiff: scanTiff,
};

export interface DetectedScan extends ScanResult {
  format: SourceFormat;
}

export async function scanFile(
  source: ByteSource,
  url: string,
  options: ScanOptions = {},
): Promise<DetectedScan> {
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
  return { ...result, format };
}
