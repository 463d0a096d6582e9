import { RangeOutsideObjectError } from "./errors.js";
import type { ByteSource, SourceIdentity } from "./types.js";

/** Throws RangeOutsideObjectError unless offset..offset+length lies inside an object of `size` bytes. */
export function checkRange(url: string, offset: number, length: number, size: number): void {
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0) {
    throw new RangeOutsideObjectError(url, offset, length, size);
  }
  if (offset + length > size) throw new RangeOutsideObjectError(url, offset, length, size);
}

/** Bytes held in memory: for tests and for data generated on the fly. */
export class MemorySource implements ByteSource {
  constructor(
    readonly url: string,
    private readonly bytes: Uint8Array,
    /** The store's write counter for this object, when it keeps one. */
    private readonly generation?: number,
  ) {}

  async size(): Promise<number> {
    return this.bytes.length;
  }

  async identity(): Promise<SourceIdentity> {
    const size = this.bytes.length;
    return this.generation === undefined ? { size } : { size, generation: String(this.generation) };
  }

  async fetch(offset: number, length: number): Promise<Uint8Array> {
    checkRange(this.url, offset, length, this.bytes.length);
    return this.bytes.slice(offset, offset + length);
  }
}
