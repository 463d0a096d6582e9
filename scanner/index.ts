/** Scan any supported file: the format is detected from its magic number, then the format's scanner runs. */
import type { ByteSource } from "../refs/storage/types.js";
import { detectFormat, type SourceFormat } from "./detect.js";
import { scanHdf5 } from "./hdf5/scan.js";
import { scanNetCDF3 } from "./netcdf3/index.js";
import { scanTiff } from "./tiff/index.js";
import type { Scanner, ScanOptions, ScanResult } from "./types.js";
import { checkWithinFile } from "./within-file.js";

export { detectFormat, formatOfHeader, type SourceFormat } from "./detect.js";
export * from "./errors.js";
export type { OnError, ScanIssue, Scanner, ScanOptions, ScanResult } from "./types.js";
export { TruncatedFileError } from "./within-file.js";

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
  const format = await detectFormat(source, { signal: options.signal });
  const result = await scanners[format](source, url, options);
  checkWithinFile(result.refs, url, await source.size({ signal: options.signal }));
  return { ...result, format };
}
