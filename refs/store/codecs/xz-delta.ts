/**
 * libtiff's LZMA codec puts a Delta filter before LZMA2 in each .xz block (distance = bytes per sample), and
 * xz-embedded, our wasm decoder, has no Delta filter. So each block header is rewritten to LZMA2 alone (same
 * header size, so the index stays valid; header CRC32 recomputed), and the Delta step is undone here on the
 * decoded bytes of each block: out[i] = in[i] + out[i - distance] (mod 256), with a zero history per block.
 * Layout per the .xz file format (stream header 12 bytes, blocks, index, 12-byte footer).
 */
import { crc32 } from "node:zlib";
import { registerErrors } from "../../errors.js";

const FILTER_DELTA = 0x03;
const FILTER_LZMA2 = 0x21;

/** A Delta filter in one block: its distance and where its output lies in the decoded stream. */
export interface DeltaBlock {
  distance: number;
  start: number;
  size: number;
}

/** An .xz stream we cannot take apart (filters other than Delta + LZMA2, several streams, bad layout). */
export class XzLayoutError extends Error {
  override name = "XzLayoutError";
  constructor(readonly reason: string) {
    super(`.xz layout: ${reason}`);
  }
}

function vli(data: Uint8Array, at: number): [number, number] {
  let value = 0;
  for (let i = 0; i < 9; i++) {
    const b = data[at + i];
    if (b === undefined) throw new XzLayoutError("truncated variable-length integer");
    value += (b & 0x7f) * 2 ** (7 * i);
    if ((b & 0x80) === 0) return [value, at + i + 1];
  }
  throw new XzLayoutError("variable-length integer over 9 bytes");
}

/** (unpadded size, uncompressed size) of each block, from the index the footer points to. */
function indexRecords(data: Uint8Array): [number, number][] {
  const end = data.length;
  if (end < 24 || data[end - 2] !== 0x59 || data[end - 1] !== 0x5a)
    throw new XzLayoutError("no stream footer");
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const indexSize = (view.getUint32(end - 8, true) + 1) * 4;
  let at = end - 12 - indexSize;
  if (at < 12 || data[at] !== 0)
    throw new XzLayoutError("index not where the footer says (several streams?)");
  let count: number;
  [count, at] = vli(data, at + 1);
  const records: [number, number][] = [];
  for (let i = 0; i < count; i++) {
    let unpadded: number;
    let size: number;
    [unpadded, at] = vli(data, at);
    [size, at] = vli(data, at);
    records.push([unpadded, size]);
  }
  return records;
}

/**
 * A copy of `data` with every block's Delta filter removed from its header, and the Delta blocks to undo; null
 * when no block uses Delta (the stream is decoded as it is).
 */
export function withoutDelta(data: Uint8Array): { data: Uint8Array; deltas: DeltaBlock[] } | null {
  const out = data.slice();
  const deltas: DeltaBlock[] = [];
  let block = 12;
  let start = 0;
  for (const [unpadded, size] of indexRecords(data)) {
    const headerSize = ((out[block] ?? 0) + 1) * 4;
    const flags = out[block + 1] ?? 0;
    let at = block + 2;
    if (flags & 0x40) at = vli(out, at)[1];
    if (flags & 0x80) at = vli(out, at)[1];
    const filtersAt = at;
    const filters: { id: number; props: Uint8Array }[] = [];
    for (let f = 0; f <= (flags & 3); f++) {
      let id: number;
      let n: number;
      [id, at] = vli(out, at);
      [n, at] = vli(out, at);
      filters.push({ id, props: out.slice(at, at + n) });
      at += n;
    }
    const ids = filters.map((f) => f.id);
    if (ids.at(-1) !== FILTER_LZMA2 || ids.slice(0, -1).some((id) => id !== FILTER_DELTA))
      throw new XzLayoutError(
        `filters ${ids.map((id) => `0x${id.toString(16)}`).join(", ")} (Delta + LZMA2 only)`,
      );
    if (filters.length > 1) {
      if (filters.length > 2) throw new XzLayoutError("more than one Delta filter");
      deltas.push({ distance: (filters[0]?.props[0] ?? 0) + 1, start, size });
      const lzma2 = filters[filters.length - 1] as { props: Uint8Array };
      const crcAt = block + headerSize - 4;
      out.fill(0, filtersAt, crcAt);
      out[block + 1] = flags & ~3;
      out.set([FILTER_LZMA2, lzma2.props.length, ...lzma2.props], filtersAt);
      new DataView(out.buffer).setUint32(crcAt, crc32(out.subarray(block, crcAt)), true);
    }
    block += Math.ceil(unpadded / 4) * 4;
    start += size;
  }
  return deltas.length > 0 ? { data: out, deltas } : null;
}

/** Undoes the Delta filter in place on each block's decoded bytes. */
export function undoDelta(decoded: Uint8Array, deltas: DeltaBlock[]): Uint8Array {
  for (const { distance, start, size } of deltas) {
    for (let i = start + distance; i < start + size; i++)
      decoded[i] = ((decoded[i] as number) + (decoded[i - distance] as number)) & 0xff;
  }
  return decoded;
}

registerErrors({ XzLayoutError });
