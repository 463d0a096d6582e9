import { FormatError } from "../errors.js";
import { bytesFor, type Cursor } from "./cursor.js";
import type { HdfFile } from "./file.js";

/**
 * All records of a version 2 B-tree, as cursors over each record's bytes, in key order. Each level's nodes
 * are read concurrently. Record layout depends on the tree type (5 = link names, 8 = attribute names,
 * 10/11 = chunks); callers parse them.
 */
export async function walkBTreeV2(
  file: HdfFile,
  address: number,
  object: string,
): Promise<{ type: number; records: Cursor[] }> {
  const h = await file.cursor(address, 64, "v2 B-tree header", object);
  file.expectSignature(h, "BTHD", object);
  h.u8();
  const type = h.u8();
  const nodeSize = h.u32();
  const recordSize = h.u16();
  const depth = h.u16();
  h.skip(2);
  const root = h.address();
  const rootRecords = h.u16();
  h.length(); // total records
  file.verifyChecksum(h, 0, h.pos, "v2 B-tree header", object);
  if (depth > 32)
    throw new FormatError(file.url, object, `v2 B-tree depth ${depth}`, file.fileOffset(address));
  const info = nodeInfo(nodeSize, recordSize, depth, file.offsetSize);
  const records: Cursor[] = [];
  if (rootRecords === 0 || root < 0) return { type, records };
  await readNode(file, object, root, depth, rootRecords, recordSize, info, records, new Set());
  return { type, records };
}

interface LevelInfo {
  maxRecords: number;
  cumulativeSize: number;
}

function nodeInfo(
  nodeSize: number,
  recordSize: number,
  depth: number,
  offsetSize: number,
): { levels: LevelInfo[]; countSize: number } {
  const leafMax = Math.floor((nodeSize - 10) / recordSize);
  const levels: LevelInfo[] = [{ maxRecords: leafMax, cumulativeSize: 0 }];
  const countSize = bytesFor(leafMax);
  let cumulative = leafMax;
  for (let d = 1; d <= depth; d++) {
    const pointer = offsetSize + countSize + (d > 1 ? (levels[d - 1] as LevelInfo).cumulativeSize : 0);
    const max = Math.floor((nodeSize - (10 + pointer)) / (recordSize + pointer));
    cumulative = (max + 1) * cumulative + max;
    levels.push({ maxRecords: max, cumulativeSize: bytesFor(cumulative) });
  }
  return { levels, countSize };
}

async function readNode(
  file: HdfFile,
  object: string,
  address: number,
  depth: number,
  count: number,
  recordSize: number,
  info: { levels: LevelInfo[]; countSize: number },
  out: Cursor[],
  seen: Set<number>,
): Promise<void> {
  if (seen.has(address)) throw new FormatError(file.url, object, "v2 B-tree cycle", file.fileOffset(address));
  seen.add(address);
  const pointerSize =
    depth > 0
      ? file.offsetSize +
        info.countSize +
        (depth > 1 ? (info.levels[depth - 1] as LevelInfo).cumulativeSize : 0)
      : 0;
  const size = 6 + count * recordSize + (depth > 0 ? (count + 1) * pointerSize : 0) + 4;
  const c = await file.cursor(address, size, "v2 B-tree node", object);
  file.expectSignature(c, depth > 0 ? "BTIN" : "BTLF", object);
  file.verifyChecksum(c, 0, size - 4, depth > 0 ? "v2 B-tree internal node" : "v2 B-tree leaf node", object);
  c.skip(2);
  const records: Cursor[] = [];
  for (let i = 0; i < count; i++) records.push(c.sub(c.take(recordSize)));
  if (depth === 0) {
    out.push(...records);
    return;
  }
  const children: Array<{ address: number; count: number }> = [];
  for (let i = 0; i <= count; i++) {
    const child = c.address();
    const n = c.count(info.countSize);
    if (depth > 1) c.count((info.levels[depth - 1] as LevelInfo).cumulativeSize);
    children.push({ address: child, count: n });
  }
  const parts = await Promise.all(
    children.map(async (ch) => {
      const part: Cursor[] = [];
      await readNode(file, object, ch.address, depth - 1, ch.count, recordSize, info, part, seen);
      return part;
    }),
  );
  // In-order: child 0, record 0, child 1, record 1, ...
  for (let i = 0; i <= count; i++) {
    out.push(...(parts[i] as Cursor[]));
    if (i < count) out.push(records[i] as Cursor);
  }
}
