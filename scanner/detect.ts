import type { ByteSource, ReadOptions } from "../refs/storage/index.js";
import { FormatError } from "./errors.js";

export type SourceFormat = "hdf5" | "netcdf3" | "tiff";

const HDF5_MAGIC = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

function startsWith(bytes: Uint8Array, magic: readonly number[], at = 0): boolean {
  return magic.every((b, i) => bytes[at + i] === b);
}

/** The format of a file's first bytes, or undefined. HDF5 may sit after a user block (at 512, 1024, ... bytes). */
export function formatOfHeader(head: Uint8Array): SourceFormat | undefined {
  if (head[0] === 0x43 && head[1] === 0x44 && head[2] === 0x46 && [1, 2, 5].includes(head[3] ?? 0))
    return "netcdf3";
  if (head[0] === 0x49 && head[1] === 0x49 && (head[2] === 42 || head[2] === 43) && head[3] === 0)
    return "tiff";
  if (head[0] === 0x4d && head[1] === 0x4d && head[2] === 0 && (head[3] === 42 || head[3] === 43))
    return "tiff";
  if (startsWith(head, HDF5_MAGIC)) return "hdf5";
  return undefined;
}

/**
 * Detect a source's format from its magic number, reading 8 bytes (and, for HDF5 with a user block, 8 more at each
 * power of two from 512). Names the file and what was found when nothing matches.
 */
export async function detectFormat(source: ByteSource, options?: ReadOptions): Promise<SourceFormat> {
  const size = await source.size(options);
  const head = await source.fetch(0, Math.min(8, size), options);
  const found = formatOfHeader(head);
  if (found) return found;
  for (let at = 512; at + 8 <= size; at *= 2) {
    if (startsWith(await source.fetch(at, 8, options), HDF5_MAGIC)) return "hdf5";
  }
  const shown = Array.from(head, (b) => b.toString(16).padStart(2, "0")).join(" ");
  throw new FormatError(
    source.url,
    "",
    `not a NetCDF3, HDF5/NetCDF4 or TIFF file: first bytes are ${shown || "(empty file)"}`,
    0,
  );
}
