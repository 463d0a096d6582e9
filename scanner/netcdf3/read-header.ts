/**
 * Reads a NetCDF3 header through a ByteSource: fetch the first block, parse, and when the header runs on, fetch
 * the rest (at least doubling) and parse again. Small headers cost one request; no data bytes are read.
 */
import type { ByteSource, ReadOptions } from "../../refs/storage/index.js";
import { FormatError } from "../errors.js";
import { BadHeader, type NcHeader, NeedMoreBytes, parseHeader } from "./header.js";

export const FIRST_READ_BYTES = 64 * 1024;

export async function readHeader(source: ByteSource, url: string, options?: ReadOptions): Promise<NcHeader> {
  const size = await source.size(options);
  let bytes = await source.fetch(0, Math.min(size, FIRST_READ_BYTES), options);
  for (;;) {
    try {
      return parseHeader(bytes, size);
    } catch (error) {
      if (error instanceof BadHeader) {
        throw new FormatError(url, "", error.message, error.offset, { cause: error });
      }
      if (!(error instanceof NeedMoreBytes)) throw error;
      const want = Math.min(size, Math.max(error.needed, bytes.length * 2));
      const more = await source.fetch(bytes.length, want - bytes.length, options);
      const grown = new Uint8Array(want);
      grown.set(bytes);
      grown.set(more, bytes.length);
      bytes = grown;
    }
  }
}
