import { FormatError } from "../errors.js";
import type { HdfFile } from "./file.js";

/** Called for each leaf entry of a version 1 B-tree: the key (at `keyAt` in `view`) before the child. */
export type BTreeV1Visitor = (view: DataView, keyAt: number, child: number, node: NodeExtent) => void;

/** Where a node lies in the file (its children must lie elsewhere). */
export interface NodeExtent {
  offset: number;
  size: number;
}

const MAX_DEPTH = 64;
/** Entries a node is first read for (2K with HDF5's default K = 32); larger nodes take a second read. */
const GUESSED_ENTRIES = 64;

interface Node {
  extent: NodeExtent;
  level: number;
  used: number;
  view: DataView;
  /** Offset of the first key in `view`. */
  first: number;
}

/**
 * Visit every leaf entry of a version 1 B-tree (type 0 = group nodes, type 1 = raw data chunks), in key
 * order, reading each level's nodes concurrently so a remote scan needs about one round trip per level.
 * `keySize` is the size of one key.
 */
export async function walkBTreeV1(
  file: HdfFile,
  root: number,
  nodeType: number,
  keySize: number,
  object: string,
  visit: BTreeV1Visitor,
  /** Called with each leaf node's last key (the one after its last child), after its entries. */
  lastKey?: (view: DataView, keyAt: number, node: NodeExtent) => void,
): Promise<void> {
  const seen = new Set<number>();
  let level = [root];
  let expectedLevel = -1;
  for (let depth = 0; level.length > 0; depth++) {
    if (depth > MAX_DEPTH)
      throw new FormatError(file.url, object, "v1 B-tree deeper than 64 levels", file.fileOffset(root));
    const nodes = await Promise.all(
      level.map((address) => readNode(file, address, nodeType, keySize, object, seen)),
    );
    level = [];
    const entry = keySize + file.offsetSize;
    for (const node of nodes) {
      if (expectedLevel < 0) expectedLevel = node.level;
      if (node.level !== expectedLevel)
        throw new FormatError(
          file.url,
          object,
          `v1 B-tree node: level ${node.level}, expected ${expectedLevel} (its parent's level minus one)`,
          node.extent.offset,
        );
      for (let i = 0; i < node.used; i++) {
        const keyAt = node.first + i * entry;
        const child = readAddress(node.view, keyAt + keySize, file.offsetSize);
        if (node.level === 0) visit(node.view, keyAt, child, node.extent);
        else level.push(child);
      }
      if (node.level === 0) lastKey?.(node.view, node.first + node.used * entry, node.extent);
    }
    expectedLevel--;
  }
}

function readAddress(view: DataView, at: number, size: number): number {
  let value = 0;
  let allOnes = true;
  for (let i = size - 1; i >= 0; i--) {
    const b = view.getUint8(at + i);
    if (b !== 0xff) allOnes = false;
    value = value * 256 + b;
  }
  return allOnes ? -1 : value;
}

async function readNode(
  file: HdfFile,
  address: number,
  nodeType: number,
  keySize: number,
  object: string,
  seen: Set<number>,
): Promise<Node> {
  if (seen.has(address))
    throw new FormatError(file.url, object, "v1 B-tree node visited twice (cycle)", file.fileOffset(address));
  seen.add(address);
  const headSize = 8 + 2 * file.offsetSize;
  const sizeFor = (entries: number) => headSize + entries * (keySize + file.offsetSize) + keySize;
  let c = await file.cursor(address, sizeFor(GUESSED_ENTRIES), "v1 B-tree node", object);
  file.expectSignature(c, "TREE", object);
  const type = c.u8();
  if (type !== nodeType) {
    throw new FormatError(
      file.url,
      object,
      `v1 B-tree node type ${type}, expected ${nodeType}`,
      file.fileOffset(address),
    );
  }
  const level = c.u8();
  const used = c.u16();
  if (c.bytes.length < sizeFor(used)) c = await file.cursor(address, sizeFor(used), "v1 B-tree node", object);
  if (c.bytes.length < sizeFor(used)) {
    throw new FormatError(
      file.url,
      object,
      `v1 B-tree node of ${used} entries is truncated`,
      file.fileOffset(address),
    );
  }
  const view = new DataView(c.bytes.buffer, c.bytes.byteOffset, c.bytes.byteLength);
  return {
    extent: { offset: file.fileOffset(address), size: sizeFor(used) },
    level,
    used,
    view,
    first: headSize,
  };
}
