import type { Cursor } from "../cursor.js";

/** A link of a group: hard (to an object header), soft (a path) or external (file + path). */
export type Link =
  | { name: string; kind: "hard"; address: number; order?: number }
  | { name: string; kind: "soft"; target: string; order?: number }
  | { name: string; kind: "external"; order?: number };

/** Link message (type 6), also the records of a dense group's fractal heap. */
export function parseLink(c: Cursor): Link {
  c.u8(); // version
  const flags = c.u8();
  const linkType = flags & 0x08 ? c.u8() : 0;
  const order = flags & 0x04 ? c.count(8) : undefined;
  if (flags & 0x10) c.u8(); // charset
  const nameLength = c.count(1 << (flags & 3));
  const name = new TextDecoder().decode(c.take(nameLength));
  if (linkType === 0) return { name, kind: "hard", address: c.address(), order };
  if (linkType === 1) {
    const n = c.u16();
    return { name, kind: "soft", target: new TextDecoder().decode(c.take(n)), order };
  }
  return { name, kind: "external", order };
}

/** Link info message (type 2): where a dense group's links live. */
export interface LinkInfo {
  fractalHeap: number;
  nameIndex: number;
}

export function parseLinkInfo(c: Cursor): LinkInfo {
  c.u8();
  const flags = c.u8();
  if (flags & 1) c.skip(8);
  const fractalHeap = c.address();
  const nameIndex = c.address();
  return { fractalHeap, nameIndex };
}

/** Attribute info message (type 0x15): where dense attributes live. */
export function parseAttributeInfo(c: Cursor): LinkInfo {
  c.u8();
  const flags = c.u8();
  if (flags & 1) c.skip(2);
  const fractalHeap = c.address();
  const nameIndex = c.address();
  return { fractalHeap, nameIndex };
}

/** Symbol table message (type 0x11): an old-style group's v1 B-tree and local heap. */
export function parseSymbolTable(c: Cursor): { btree: number; heap: number } {
  return { btree: c.address(), heap: c.address() };
}
