import { FormatError, UnsupportedFeatureError } from "../errors.js";
import { walkBTreeV2 } from "./btree-v2.js";
import { lookup3 } from "./checksum.js";
import { Cursor, UNDEFINED_ADDRESS } from "./cursor.js";
import type { HdfFile } from "./file.js";

interface DirectBlock {
  heapOffset: number;
  address: number;
  size: number;
}

/**
 * A fractal heap (dense links and attributes): resolves heap IDs to the bytes of managed and tiny objects.
 * The managed space is mapped once (every direct block's heap offset and address) by walking indirect blocks.
 */
export class FractalHeap {
  private blocks: DirectBlock[] = [];
  private offsetBytes = 0;
  private lengthBytes = 0;
  private hasFilters = false;
  private idLength = 0;
  private hugeBTree = -1;
  private huge: Map<number, { address: number; length: number }> | undefined;
  /** Header flag bit 1: every direct block carries a checksum (dense links and attributes always do). */
  private checksummedBlocks = false;
  /** Direct blocks verified (or being verified), by address: each is read and checked once. */
  private readonly verified = new Map<number, Promise<void>>();

  private constructor(
    private readonly file: HdfFile,
    private readonly object: string,
  ) {}

  static async open(file: HdfFile, address: number, object: string): Promise<FractalHeap> {
    const heap = new FractalHeap(file, object);
    await heap.init(address);
    return heap;
  }

  private async init(address: number): Promise<void> {
    const { file, object } = this;
    const c = await file.cursor(address, 256, "fractal heap header", object);
    file.expectSignature(c, "FRHP", object);
    c.u8();
    this.idLength = c.u16();
    const filterLength = c.u16();
    this.hasFilters = filterLength > 0;
    this.checksummedBlocks = (c.u8() & 0x02) !== 0;
    const maxManaged = c.u32();
    c.length(); // next huge id
    this.hugeBTree = c.address();
    c.length(); // free space
    c.address(); // free space manager
    c.length(); // managed space
    c.length(); // allocated managed space
    c.length(); // allocation iterator
    c.length(); // managed objects
    c.length(); // huge size
    c.length(); // huge count
    c.length(); // tiny size
    c.length(); // tiny count
    const width = c.u16();
    const startSize = c.length();
    const maxDirect = c.length();
    const maxHeapBits = c.u16();
    c.u16(); // starting rows
    const root = c.address();
    const rows = c.u16();
    if (this.hasFilters) throw new UnsupportedFeatureError(file.url, object, "filtered fractal heap");
    file.verifyChecksum(c, 0, c.pos, "fractal heap header", object);
    this.offsetBytes = Math.ceil(maxHeapBits / 8);
    this.lengthBytes = bytesForValue(Math.min(maxDirect, maxManaged));
    const geometry = { width, startSize, maxDirect, maxHeapBits };
    if (root === UNDEFINED_ADDRESS) return;
    if (rows === 0) this.blocks.push({ heapOffset: 0, address: root, size: startSize });
    else await this.walkIndirect(root, rows, 0, geometry, new Set(), 0);
    this.blocks.sort((a, b) => a.heapOffset - b.heapOffset);
  }

  private async walkIndirect(
    address: number,
    rows: number,
    heapOffset: number,
    g: { width: number; startSize: number; maxDirect: number; maxHeapBits: number },
    seen: Set<number>,
    depth: number,
  ): Promise<void> {
    const { file, object } = this;
    if (seen.has(address) || depth > 32) {
      throw new FormatError(file.url, object, "fractal heap indirect block cycle", file.fileOffset(address));
    }
    seen.add(address);
    const maxDirectRows = Math.log2(g.maxDirect) - Math.log2(g.startSize) + 2;
    const directRows = Math.min(rows, maxDirectRows);
    const indirectRows = rows - directRows;
    const entries = (directRows + indirectRows) * g.width;
    const size = 4 + 1 + file.offsetSize + this.offsetBytes + entries * file.offsetSize + 4;
    const c = await file.cursor(address, size, "fractal heap indirect block", object);
    file.expectSignature(c, "FHIB", object);
    file.verifyChecksum(c, 0, size - 4, "fractal heap indirect block", object);
    c.u8();
    c.address();
    c.count(this.offsetBytes);
    let offset = heapOffset;
    const rowSize = (r: number) => (r < 2 ? g.startSize : g.startSize * 2 ** (r - 1));
    const children: Array<Promise<void>> = [];
    for (let r = 0; r < rows; r++) {
      const blockSize = rowSize(r);
      for (let w = 0; w < g.width; w++) {
        const child = c.address();
        if (r < directRows) {
          if (child !== UNDEFINED_ADDRESS)
            this.blocks.push({ heapOffset: offset, address: child, size: blockSize });
        } else if (child !== UNDEFINED_ADDRESS) {
          const childRows = Math.log2(blockSize) - Math.log2(g.startSize * g.width) + 1;
          children.push(this.walkIndirect(child, childRows, offset, g, seen, depth + 1));
        }
        offset += blockSize;
      }
    }
    await Promise.all(children);
  }

  /** The object a heap ID names (managed or tiny; huge objects are not supported). */
  async get(id: Uint8Array): Promise<Uint8Array> {
    const { file, object } = this;
    const type = ((id[0] ?? 0) >> 4) & 3;
    const c = new Cursor(id, 0);
    c.u8();
    if (type === 2) {
      const length = ((id[0] ?? 0) & 0x0f) + 1;
      return id.subarray(1, 1 + length);
    }
    if (type === 1) return this.getHuge(c);
    if (type !== 0) throw new FormatError(file.url, object, `fractal heap ID of unknown type ${type}`);
    const offset = c.count(this.offsetBytes);
    const length = c.count(this.lengthBytes);
    const block = this.find(offset);
    if (!block || offset + length > block.heapOffset + block.size) {
      throw new FormatError(file.url, object, `fractal heap offset ${offset} not in any direct block`);
    }
    if (this.checksummedBlocks) {
      let check = this.verified.get(block.address);
      if (!check) {
        check = this.verifyDirect(block);
        this.verified.set(block.address, check);
      }
      await check;
    }
    return file.bytes(block.address + (offset - block.heapOffset), length, "fractal heap object", object);
  }

  /**
   * A direct block's signature and checksum, as the HDF5 library checks them: lookup3 over the whole block with
   * its checksum field (after the signature, version, heap address and block offset) taken as zero.
   */
  private async verifyDirect(block: DirectBlock): Promise<void> {
    const { file, object } = this;
    const what = "fractal heap direct block";
    const at = file.fileOffset(block.address);
    const bytes = await file.bytes(block.address, block.size, what, object);
    const c = new Cursor(bytes, at);
    file.expectSignature(c, "FHDB", object);
    const field = 4 + 1 + file.offsetSize + this.offsetBytes;
    if (field + 4 > bytes.length) {
      throw new FormatError(
        file.url,
        object,
        `${what} of ${block.size} bytes has no room for its checksum`,
        at,
      );
    }
    const stored = new DataView(bytes.buffer, bytes.byteOffset).getUint32(field, true);
    const zeroed = bytes.slice();
    zeroed.fill(0, field, field + 4);
    const computed = lookup3(zeroed);
    if (stored !== computed) {
      const hex = (n: number) => `0x${n.toString(16).padStart(8, "0")}`;
      throw new FormatError(
        file.url,
        object,
        `${what}: incorrect metadata checksum (stored ${hex(stored)}, computed ${hex(computed)} over ${block.size} bytes): corrupt metadata`,
        at,
      );
    }
  }

  /** A huge object: address and length in the ID itself when it has room, else looked up in the huge B-tree. */
  private async getHuge(c: Cursor): Promise<Uint8Array> {
    const { file, object } = this;
    if (this.idLength - 1 >= file.offsetSize + file.lengthSize) {
      const address = c.uint(file.offsetSize);
      const length = c.uint(file.lengthSize);
      return file.bytes(address, length, "fractal heap huge object", object);
    }
    const id = c.count(Math.min(8, this.idLength - 1));
    if (!this.huge) {
      this.huge = new Map();
      const { type, records } = await walkBTreeV2(file, this.hugeBTree, object);
      if (type !== 1)
        throw new UnsupportedFeatureError(
          file.url,
          object,
          `huge heap objects indexed by v2 B-tree type ${type}`,
        );
      for (const r of records) {
        const address = r.address();
        const length = r.length();
        this.huge.set(r.length(), { address, length });
      }
    }
    const entry = this.huge.get(id);
    if (!entry) throw new FormatError(file.url, object, `huge fractal heap object ${id} not found`);
    return file.bytes(entry.address, entry.length, "fractal heap huge object", object);
  }

  private find(offset: number): DirectBlock | undefined {
    let lo = 0;
    let hi = this.blocks.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const b = this.blocks[mid] as DirectBlock;
      if (offset < b.heapOffset) hi = mid - 1;
      else if (offset >= b.heapOffset + b.size) lo = mid + 1;
      else return b;
    }
    return undefined;
  }
}

function bytesForValue(max: number): number {
  let n = 1;
  while (max >= 2 ** (8 * n) && n < 8) n++;
  return n;
}
