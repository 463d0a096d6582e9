import { FormatError } from "../errors.js";
import type { Cursor } from "./cursor.js";
import type { HdfFile } from "./file.js";

/** One leaf entry of a version 1 B-tree: the key before the child, and the child's address. */
export interface BTreeV1Entry {
  key: Cursor;
  child: number;
}

const MAX_DEPTH = 64;

/**
 * All leaf entries of a version 1 B-tree (type 0 = group nodes, type 1 = raw data chunks), reading each level's
 * nodes concurrently so a remote scan needs about one round trip per level. `keySize` is the size of one key.
 */
export async function walkBTreeV1(
  file: HdfFile,
  root: number,
  nodeType: number,
  keySize: number,
  object: string,
): Promise<BTreeV1Entry[]> {
  const out: BTreeV1Entry[] = [];
  const seen = new Set<number>();
  let level = [root];
  for (let depth = 0; level.length > 0; depth++) {
    if (depth > MAX_DEPTH)
      throw new FormatError(file.url, object, "v1 B-tree deeper than 64 levels", file.fileOffset(root));
    const nodes = await Promise.all(
      level.map((address) => readNode(file, address, nodeType, keySize, object, seen)),
    );
    level = [];
    for (const node of nodes) {
      if (node.level === 0) out.push(...node.entries);
      else level.push(...node.entries.map((e) => e.child));
    }
  }
  return out;
}

async function readNode(
  file: HdfFile,
  address: number,
  nodeType: number,
  keySize: number,
  object: string,
  seen: Set<number>,
): Promise<{ level: number; entries: BTreeV1Entry[] }> {
  if (seen.has(address))
    throw new FormatError(file.url, object, "v1 B-tree node visited twice (cycle)", file.fileOffset(address));
  seen.add(address);
  const headSize = 8 + 2 * file.offsetSize;
  const head = await file.cursor(address, headSize, "v1 B-tree node", object);
  file.expectSignature(head, "TREE", object);
  const type = head.u8();
  if (type !== nodeType) {
    throw new FormatError(
      file.url,
      object,
      `v1 B-tree node type ${type}, expected ${nodeType}`,
      file.fileOffset(address),
    );
  }
  const level = head.u8();
  const used = head.u16();
  const size = headSize + used * (keySize + file.offsetSize) + keySize;
  const c = await file.cursor(address, size, "v1 B-tree node", object);
  c.pos = headSize;
  const entries: BTreeV1Entry[] = [];
  for (let i = 0; i < used; i++) {
    const key = c.sub(c.take(keySize));
    entries.push({ key, child: c.address() });
  }
  return { level, entries };
}
