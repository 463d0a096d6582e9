import { FormatError } from "../errors.js";
import { walkBTreeV1 } from "./btree-v1.js";
import { walkBTreeV2 } from "./btree-v2.js";
import { Cursor } from "./cursor.js";
import type { HdfFile } from "./file.js";
import { FractalHeap } from "./fractal-heap.js";
import { readLocalHeap } from "./local-heap.js";
import { type Link, parseLink, parseLinkInfo, parseSymbolTable } from "./messages/links.js";
import { type HeaderMessage, MSG } from "./object-header.js";

/** The links of a group, whichever way it stores them (symbol table, compact link messages, dense). */
export async function readLinks(file: HdfFile, messages: HeaderMessage[], object: string): Promise<Link[]> {
  const links: Link[] = [];
  for (const m of messages) {
    if (m.type === MSG.link) links.push(parseLink(cursor(file, m)));
    if (m.type === MSG.symbolTable) links.push(...(await symbolTableLinks(file, m, object)));
    if (m.type === MSG.linkInfo) {
      const info = parseLinkInfo(cursor(file, m));
      if (info.fractalHeap >= 0 && info.nameIndex >= 0)
        links.push(...(await denseLinks(file, info.fractalHeap, info.nameIndex, object)));
    }
  }
  return links;
}

function cursor(file: HdfFile, m: HeaderMessage): Cursor {
  return new Cursor(m.data, m.offset, file.offsetSize, file.lengthSize);
}

async function symbolTableLinks(file: HdfFile, m: HeaderMessage, object: string): Promise<Link[]> {
  const { btree, heap } = parseSymbolTable(cursor(file, m));
  const children: number[] = [];
  const [names] = await Promise.all([
    readLocalHeap(file, heap, object),
    walkBTreeV1(file, btree, 0, file.lengthSize, object, (_view, _keyAt, child) => children.push(child)),
  ]);
  const nodes = await Promise.all(children.map((child) => readSymbolNode(file, child, object)));
  const links: Link[] = [];
  for (const node of nodes) {
    for (const { nameOffset, address } of node)
      links.push({ name: names.string(nameOffset, object), kind: "hard", address });
  }
  return links;
}

async function readSymbolNode(
  file: HdfFile,
  address: number,
  object: string,
): Promise<Array<{ nameOffset: number; address: number }>> {
  const head = await file.cursor(address, 8, "symbol table node", object);
  file.expectSignature(head, "SNOD", object);
  head.skip(2);
  const count = head.u16();
  const entrySize = 2 * file.offsetSize + 24;
  const c = await file.cursor(address, 8 + count * entrySize, "symbol table node", object);
  c.pos = 8;
  const out: Array<{ nameOffset: number; address: number }> = [];
  for (let i = 0; i < count; i++) {
    const nameOffset = c.count(file.offsetSize);
    const child = c.address();
    const cacheType = c.u32();
    c.skip(20);
    if (cacheType === 2) continue; // soft link: no object header
    if (child < 0)
      throw new FormatError(file.url, object, "symbol table entry without object header", c.fileOffset);
    out.push({ nameOffset, address: child });
  }
  return out;
}

async function denseLinks(
  file: HdfFile,
  heapAddress: number,
  index: number,
  object: string,
): Promise<Link[]> {
  const heap = await FractalHeap.open(file, heapAddress, object);
  const { records } = await walkBTreeV2(file, index, object);
  return Promise.all(
    records.map(async (r) => {
      r.skip(4); // name hash
      const bytes = await heap.get(r.take(7));
      return parseLink(new Cursor(bytes, 0, file.offsetSize, file.lengthSize));
    }),
  );
}
