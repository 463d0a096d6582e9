/**
 * fsspec's LazyReferenceMapper layout for kerchunk Parquet references:
 *   <root>/.zmetadata               {"metadata": {key: object}, "record_size": N}
 *   <root>/<array>/refs.<k>.parq    rows k*N .. (k+1)*N-1 of the array's chunks in C order
 * Columns: path (utf8, null = no path), offset (int64), size (int64), raw (binary, null = not inline).
 * raw set = inline bytes; path with offset = size = 0 = the whole file; path and raw null = missing chunk.
 * A record file with no reference in it is not written (fsspec reads a missing file as missing chunks).
 */
export const DEFAULT_RECORD_SIZE = 100_000;

export function recordPath(arrayPath: string, record: number): string {
  return `${arrayPath}/refs.${record}.parq`;
}

export function recordCount(chunks: number, recordSize: number): number {
  return Math.ceil(chunks / recordSize);
}

/** Where record files are read from / written to, relative to the reference set's root folder. */
export interface ParquetRefsReader {
  /** The bytes of a file, or undefined when it does not exist. */
  read(relativePath: string): Promise<Uint8Array | undefined>;
}

export interface ParquetRefsWriter {
  write(relativePath: string, bytes: Uint8Array): Promise<void>;
}
