/**
 * Rewrites the data layout message of a dataset in a file h5wasm wrote (superblock 0, object header version 1)
 * into the form HDF5 1.4-1.6 wrote (layout message version 1 or 2), byte by byte as the File Format
 * Specification lays it out. h5py and h5wasm cannot write those versions, so this is how tests get them. The new
 * message is larger than the version 3 one, so it goes into a continuation block appended to the file; the old
 * message becomes the continuation message pointing there, and the superblock's end-of-file address grows, so
 * the HDF5 library (h5wasm) reads the rewritten file too and can serve as the independent reader.
 */

import { MemorySource } from "../../../refs/storage/memory.js";
import { BlockReader } from "../../../scanner/hdf5/block-reader.js";
import { HdfFile } from "../../../scanner/hdf5/file.js";
import { MSG } from "../../../scanner/hdf5/object-header.js";
import { readSuperblock } from "../../../scanner/hdf5/superblock.js";
import { walkObjects } from "../../../scanner/hdf5/walk.js";

export interface OldLayout {
  version: 1 | 2;
  /** 0 compact, 1 contiguous, 2 chunked. */
  layoutClass: 0 | 1 | 2;
  /** Chunk shape (chunked) or dataset shape (contiguous, compact), without the element size. */
  dims: number[];
  elementSize: number;
  /** Data address (contiguous) or B-tree address (chunked); unused for compact. */
  address?: number;
  /** Compact data. */
  data?: Uint8Array;
}

/** The message body: version, dimensionality, class, 5 reserved, address (not compact), sizes, compact data. */
export function oldLayoutMessage(m: OldLayout): Uint8Array {
  const dims = [...m.dims, m.elementSize];
  const compact = m.layoutClass === 0;
  const size = 8 + (compact ? 0 : 8) + 4 * dims.length + (compact ? 4 + (m.data?.length ?? 0) : 0);
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  out[0] = m.version;
  out[1] = dims.length;
  out[2] = m.layoutClass;
  let at = 8;
  if (!compact) {
    view.setBigUint64(at, BigInt(m.address ?? 0), true);
    at += 8;
  }
  for (const d of dims) {
    view.setUint32(at, d, true);
    at += 4;
  }
  if (compact) {
    view.setUint32(at, m.data?.length ?? 0, true);
    out.set(m.data ?? new Uint8Array(0), at + 4);
  }
  return out;
}

export interface LayoutSite {
  /** File offset of the dataset's object header. */
  header: number;
  /** File offset of the layout message body. */
  body: number;
  /** The version 3 message body as h5wasm wrote it. */
  message: Uint8Array;
}

/** Where the layout message of `path` lies in a file with version 1 object headers. */
export async function layoutSite(bytes: Uint8Array, path: string): Promise<LayoutSite> {
  const file = new HdfFile(new BlockReader(new MemorySource("mem://x.h5", bytes), bytes.length), "x.h5");
  const superblock = await readSuperblock(file);
  const objects = await walkObjects(file, superblock.rootObjectHeader);
  const o = objects.find((x) => x.path === path);
  const m = o?.header.messages.find((x) => x.type === MSG.layout);
  if (!o || !m) throw new Error(`no layout message for ${path}`);
  if (bytes[file.fileOffset(o.header.address)] !== 1)
    throw new Error("expected an object header of version 1");
  return { header: file.fileOffset(o.header.address), body: m.offset, message: m.data.slice() };
}

/** A copy of `bytes` in which the layout message at `site` is replaced by `body` (in a continuation block). */
export function withLayoutMessage(bytes: Uint8Array, site: LayoutSite, body: Uint8Array): Uint8Array {
  const pad = (n: number) => Math.ceil(n / 8) * 8;
  const blockAt = pad(bytes.length);
  const blockLength = 8 + pad(body.length);
  const out = new Uint8Array(blockAt + blockLength);
  out.set(bytes);
  const view = new DataView(out.buffer);
  // the continuation block: one version 1 message header (type, size, flags, 3 reserved) and the body
  view.setUint16(blockAt, MSG.layout, true);
  view.setUint16(blockAt + 2, pad(body.length), true);
  out.set(body, blockAt + 8);
  // the old message becomes a continuation message (address, length) in the same 8-byte-aligned room
  const header = site.body - 8;
  if (view.getUint16(header + 2, true) < 16)
    throw new Error("layout message too small to hold a continuation");
  view.setUint16(header, MSG.continuation, true);
  out.fill(0, site.body, site.body + view.getUint16(header + 2, true));
  view.setBigUint64(site.body, BigInt(blockAt), true);
  view.setBigUint64(site.body + 8, BigInt(blockLength), true);
  // one more message in the header (the continuation), and a larger end-of-file address (superblock 0 at 40)
  view.setUint16(site.header + 2, view.getUint16(site.header + 2, true) + 1, true);
  if (out[8] !== 0) throw new Error("expected superblock version 0");
  view.setBigUint64(40, BigInt(out.length), true);
  return out;
}
