/**
 * On-disk cache of cell mappings, keyed by grid hash, resolution, method and block: the mapping of a grid does not
 * change with time, so every time chunk of a block (and every later run) reuses it.
 * File layout: 4-byte little-endian header length, JSON header, then cells, offsets and pixels (8-byte aligned).
 * A mapping with one pixel per cell (sampling) stores no offsets (header `onePixel`): they are 0, 1, 2, ...
 * The arrays are views of the bytes read, not copies.
 */
import { randomBytes } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { CellMapping } from "./mapping.js";

interface Header {
  rows: [number, number];
  columns: [number, number][];
  cells: number;
  pixels: number;
  onePixel?: boolean;
}

export async function loadMapping(dir: string, key: string): Promise<CellMapping | undefined> {
  let bytes: Buffer;
  try {
    bytes = await readFile(join(dir, `${key}.cells`));
  } catch {
    return undefined;
  }
  // Typed arrays need aligned offsets: a Buffer from readFile normally starts its own ArrayBuffer.
  const buffer =
    bytes.byteOffset % 8 === 0
      ? bytes.buffer
      : bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  const start = bytes.byteOffset % 8 === 0 ? bytes.byteOffset : 0;
  const headerLength = new DataView(buffer, start, 4).getUint32(0, true);
  const header = JSON.parse(bytes.subarray(4, 4 + headerLength).toString("utf8")) as Header;
  let offset = start + align8(4 + headerLength);
  const cells = new BigUint64Array(buffer, offset, header.cells);
  offset += header.cells * 8;
  let offsets: Uint32Array;
  if (header.onePixel) {
    offsets = new Uint32Array(header.cells + 1);
    for (let i = 0; i <= header.cells; i++) offsets[i] = i;
  } else {
    offsets = new Uint32Array(buffer, offset, header.cells + 1);
    offset = start + align8(offset - start + (header.cells + 1) * 4);
  }
  const pixels = new Uint32Array(buffer, offset, header.pixels);
  return { rows: header.rows, columns: header.columns, cells, offsets, pixels };
}

export async function saveMapping(dir: string, key: string, m: CellMapping): Promise<void> {
  const onePixel = m.pixels.length === m.cells.length;
  const fields: Header = { rows: m.rows, columns: m.columns, cells: m.cells.length, pixels: m.pixels.length };
  const header = Buffer.from(JSON.stringify(onePixel ? { ...fields, onePixel } : fields));
  const cellsAt = align8(4 + header.length);
  const offsetsAt = cellsAt + m.cells.length * 8;
  const pixelsAt = onePixel ? offsetsAt : align8(offsetsAt + m.offsets.length * 4);
  const out = new Uint8Array(pixelsAt + m.pixels.length * 4);
  new DataView(out.buffer).setUint32(0, header.length, true);
  out.set(header, 4);
  out.set(new Uint8Array(m.cells.buffer, m.cells.byteOffset, m.cells.byteLength), cellsAt);
  if (!onePixel)
    out.set(new Uint8Array(m.offsets.buffer, m.offsets.byteOffset, m.offsets.byteLength), offsetsAt);
  out.set(new Uint8Array(m.pixels.buffer, m.pixels.byteOffset, m.pixels.byteLength), pixelsAt);
  await mkdir(dir, { recursive: true });
  // shards on one volume (pods all pid 1) may map the same block at once: each writes its own temporary file
  const tmp = join(dir, `${key}.cells.${process.pid}.${randomBytes(6).toString("hex")}.tmp`);
  await writeFile(tmp, out);
  await rename(tmp, join(dir, `${key}.cells`));
}

function align8(n: number): number {
  return Math.ceil(n / 8) * 8;
}
