import { FormatError } from "../errors.js";
import type { HdfFile } from "./file.js";

/** A local heap's data segment (names of an old-style group's links). */
export class LocalHeap {
  constructor(
    private readonly data: Uint8Array,
    private readonly at: number,
    private readonly url: string,
  ) {}

  /** The null-terminated string at `offset` in the data segment. */
  string(offset: number, object: string): string {
    const end = this.data.indexOf(0, offset);
    if (offset >= this.data.length || end < 0) {
      throw new FormatError(this.url, object, `name offset ${offset} outside local heap`, this.at);
    }
    return new TextDecoder().decode(this.data.subarray(offset, end));
  }
}

export async function readLocalHeap(file: HdfFile, address: number, object: string): Promise<LocalHeap> {
  const c = await file.cursor(address, 8 + 2 * file.lengthSize + file.offsetSize, "local heap", object);
  file.expectSignature(c, "HEAP", object);
  c.skip(4);
  const size = c.length();
  c.length(); // free list
  const dataAddress = c.address();
  const data = await file.bytes(dataAddress, size, "local heap data segment", object);
  return new LocalHeap(data, file.fileOffset(dataAddress), file.url);
}
