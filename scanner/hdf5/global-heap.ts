import { FormatError } from "../errors.js";
import { Cursor } from "./cursor.js";
import type { HdfFile } from "./file.js";

/** Global heap collections (variable-length data), each read once and cached by address. */
export class GlobalHeaps {
  private readonly collections = new Map<number, Promise<Map<number, Uint8Array>>>();

  constructor(private readonly file: HdfFile) {}

  /** The object `index` of the collection at `address`. */
  async get(address: number, index: number, object: string): Promise<Uint8Array> {
    let collection = this.collections.get(address);
    if (!collection) {
      collection = this.read(address, object);
      this.collections.set(address, collection);
    }
    const value = (await collection).get(index);
    if (!value) {
      throw new FormatError(
        this.file.url,
        object,
        `global heap object ${index} missing`,
        this.file.fileOffset(address),
      );
    }
    return value;
  }

  private async read(address: number, object: string): Promise<Map<number, Uint8Array>> {
    const { file } = this;
    const head = await file.cursor(address, 8 + file.lengthSize, "global heap collection", object);
    file.expectSignature(head, "GCOL", object);
    head.skip(4);
    const size = head.length();
    const bytes = await file.bytes(address, size, "global heap collection", object);
    const c = new Cursor(bytes, file.fileOffset(address), file.offsetSize, file.lengthSize);
    c.pos = 8 + file.lengthSize;
    const out = new Map<number, Uint8Array>();
    while (c.remaining >= 8 + file.lengthSize) {
      const index = c.u16();
      if (index === 0) break;
      c.skip(6);
      const length = c.length();
      out.set(index, c.take(length));
      c.align(8);
    }
    return out;
  }
}
