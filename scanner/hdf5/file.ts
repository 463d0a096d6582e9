import { FormatError } from "../errors.js";
import type { BlockReader } from "./block-reader.js";
import { lookup3 } from "./checksum.js";
import { Cursor, UNDEFINED_ADDRESS } from "./cursor.js";

/** What every structure parser needs: bounded reads at HDF5 addresses, sizes of offsets and lengths. */
export class HdfFile {
  offsetSize = 8;
  lengthSize = 8;
  /** File offset that HDF5 addresses are relative to (non-zero with a user block). */
  baseAddress = 0;

  constructor(
    readonly reader: BlockReader,
    readonly url: string,
  ) {}

  get fileSize(): number {
    return this.reader.fileSize;
  }

  /** Bytes at an HDF5 address; a bad address or a read past the end names the offset. */
  async bytes(address: number, length: number, what: string, object = ""): Promise<Uint8Array> {
    const offset = address + this.baseAddress;
    if (address === UNDEFINED_ADDRESS || !Number.isSafeInteger(offset) || offset < 0 || length < 0) {
      throw new FormatError(this.url, object, `bad address for ${what}`, address);
    }
    if (offset + length > this.fileSize) {
      throw new FormatError(
        this.url,
        object,
        `${what} of ${length} bytes reaches past the end of the file (${this.fileSize} bytes): truncated or corrupt`,
        offset,
      );
    }
    return this.reader.read(offset, length);
  }

  /** A cursor over up to `length` bytes at an address, clipped to the end of the file. */
  async cursor(address: number, length: number, what: string, object = ""): Promise<Cursor> {
    const offset = address + this.baseAddress;
    const clipped = Math.max(0, Math.min(length, this.fileSize - offset));
    if (clipped === 0) throw new FormatError(this.url, object, `${what} lies outside the file`, offset);
    const bytes = await this.bytes(address, clipped, what, object);
    return new Cursor(bytes, offset, this.offsetSize, this.lengthSize);
  }

  /** Throw a FormatError unless the 4-byte signature at the cursor is `expected`. */
  expectSignature(c: Cursor, expected: string, object = ""): void {
    const at = c.fileOffset;
    const found = c.remaining >= 4 ? c.ascii(4) : "";
    if (found !== expected) {
      throw new FormatError(
        this.url,
        object,
        `expected signature "${expected}", found ${JSON.stringify(found)}`,
        at,
      );
    }
  }

  /**
   * Verify the metadata checksum of a structure: lookup3 of the cursor's bytes [start, end) against the 4 bytes
   * stored at `end`. A mismatch is a FormatError naming the structure and its offset, as the HDF5 library's
   * "incorrect metadata checksum" refusal.
   */
  verifyChecksum(c: Cursor, start: number, end: number, what: string, object = ""): void {
    if (end + 4 > c.bytes.length)
      throw new FormatError(
        this.url,
        object,
        `${what}: checksum lies past the structure's end`,
        c.base + start,
      );
    const b = c.bytes;
    const stored =
      ((b[end] as number) |
        ((b[end + 1] as number) << 8) |
        ((b[end + 2] as number) << 16) |
        ((b[end + 3] as number) << 24)) >>>
      0;
    const computed = lookup3(b.subarray(start, end));
    if (stored !== computed) {
      const hex = (n: number) => `0x${n.toString(16).padStart(8, "0")}`;
      throw new FormatError(
        this.url,
        object,
        `${what}: incorrect metadata checksum (stored ${hex(stored)}, computed ${hex(computed)} over ${end - start} bytes): corrupt metadata`,
        c.base + start,
      );
    }
  }

  /** Absolute file offset of an HDF5 address (what goes into the references). */
  fileOffset(address: number): number {
    return address + this.baseAddress;
  }
}

/** Run a parse step, turning RangeErrors of a short structure into a FormatError naming the offset. */
export async function guarded<T>(
  file: HdfFile,
  object: string,
  what: string,
  at: number,
  fn: () => Promise<T>,
): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof RangeError)
      throw new FormatError(file.url, object, `${what}: ${error.message}`, at, { cause: error });
    throw error;
  }
}
