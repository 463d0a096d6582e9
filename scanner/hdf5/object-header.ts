import { FormatError } from "../errors.js";
import type { Cursor } from "./cursor.js";
import { guarded, type HdfFile } from "./file.js";

/** One header message: its type, flags and raw body (parsed later by messages/*). */
export interface HeaderMessage {
  type: number;
  flags: number;
  data: Uint8Array;
  /** File offset of the body, for error messages. */
  offset: number;
}

export interface ObjectHeader {
  address: number;
  messages: HeaderMessage[];
}

export const MSG = {
  dataspace: 0x1,
  linkInfo: 0x2,
  datatype: 0x3,
  fillValueOld: 0x4,
  fillValue: 0x5,
  link: 0x6,
  externalFiles: 0x7,
  layout: 0x8,
  filterPipeline: 0xb,
  attribute: 0xc,
  continuation: 0x10,
  symbolTable: 0x11,
  attributeInfo: 0x15,
} as const;

const MAX_BLOCKS = 10_000;

/** Read an object header (version 1 or 2) with all its continuation blocks. */
export async function readObjectHeader(
  file: HdfFile,
  address: number,
  object: string,
): Promise<ObjectHeader> {
  return guarded(file, object, "object header", file.fileOffset(address), async () => {
    const first = await file.cursor(address, 512, "object header", object);
    const messages: HeaderMessage[] = [];
    const continuations: Array<[number, number]> = [];
    let version: number;
    let v2flags = 0;
    if (first.bytes[0] === 1) {
      version = 1;
      first.skip(2);
      const count = first.u16();
      first.skip(4);
      const size = first.u32();
      const block = await file.cursor(address + 16, size, "object header", object);
      readV1Messages(block, size, messages, continuations, file);
      if (messages.length > count) messages.length = count;
    } else {
      version = 2;
      file.expectSignature(first, "OHDR", object);
      const v = first.u8();
      if (v !== 2)
        throw new FormatError(file.url, object, `object header version ${v}`, first.fileOffset - 1);
      const flags = first.u8();
      v2flags = flags;
      if (flags & 0x20) first.skip(16);
      if (flags & 0x10) first.skip(4);
      const size = first.count(1 << (flags & 3));
      const start = first.pos;
      const block = await file.cursor(address, start + size + 4, "object header", object);
      file.verifyChecksum(block, 0, start + size, "object header (version 2)", object);
      block.pos = start;
      readV2Messages(block, start + size, flags, messages, continuations, file);
    }
    const seen = new Set<number>([address]);
    while (continuations.length > 0) {
      const [at, length] = continuations.shift() as [number, number];
      if (seen.has(at) || seen.size > MAX_BLOCKS) {
        throw new FormatError(file.url, object, "object header continuation cycle", file.fileOffset(at));
      }
      seen.add(at);
      const block = await file.cursor(at, length, "object header continuation", object);
      if (version === 1) readV1Messages(block, length, messages, continuations, file);
      else {
        file.expectSignature(block, "OCHK", object);
        file.verifyChecksum(block, 0, length - 4, "object header continuation block", object);
        readV2Messages(block, length - 4, v2flags, messages, continuations, file);
      }
    }
    return { address, messages };
  });
}

function readV1Messages(
  c: Cursor,
  end: number,
  out: HeaderMessage[],
  cont: Array<[number, number]>,
  file: HdfFile,
): void {
  while (c.pos + 8 <= end) {
    const type = c.u16();
    const size = c.u16();
    const flags = c.u8();
    c.skip(3);
    const offset = c.fileOffset;
    const data = c.take(size);
    push(type, flags, data, offset, out, cont, file);
    c.align(8);
  }
}

function readV2Messages(
  c: Cursor,
  end: number,
  headerFlags: number,
  out: HeaderMessage[],
  cont: Array<[number, number]>,
  file: HdfFile,
): void {
  const trackOrder = (headerFlags & 0x04) !== 0;
  const headerSize = 4 + (trackOrder ? 2 : 0);
  while (c.pos + headerSize <= end) {
    const type = c.u8();
    const size = c.u16();
    const flags = c.u8();
    if (trackOrder) c.skip(2);
    const offset = c.fileOffset;
    const data = c.take(size);
    push(type, flags, data, offset, out, cont, file);
  }
}

function push(
  type: number,
  flags: number,
  data: Uint8Array,
  offset: number,
  out: HeaderMessage[],
  cont: Array<[number, number]>,
  file: HdfFile,
): void {
  if (type === MSG.continuation) {
    const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    const read = (at: number, n: number) => {
      let v = 0;
      for (let i = n - 1; i >= 0; i--) v = v * 256 + view.getUint8(at + i);
      return v;
    };
    cont.push([read(0, file.offsetSize), read(file.offsetSize, file.lengthSize)]);
    return;
  }
  out.push({ type, flags, data, offset });
}
