import type { Cursor } from "../cursor.js";
import { type Dataspace, parseDataspace } from "./dataspace.js";
import { type Datatype, parseDatatype } from "./datatype.js";

/** An attribute message: name, type, space and raw value bytes (variable-length values still point at heaps). */
export interface RawAttribute {
  name: string;
  type: Datatype;
  space: Dataspace;
  data: Uint8Array;
  /** Set when the datatype is shared (committed): the datatype message body is a reference instead. */
  sharedType: Uint8Array | undefined;
}

export function parseAttribute(c: Cursor): RawAttribute {
  const version = c.u8();
  const flags = c.u8();
  const nameSize = c.u16();
  const typeSize = c.u16();
  const spaceSize = c.u16();
  if (version >= 3) c.u8(); // charset
  const pad = (n: number) => (version === 1 ? Math.ceil(n / 8) * 8 : n);
  const nameBytes = c.take(pad(nameSize));
  const name = new TextDecoder().decode(nameBytes.subarray(0, Math.max(0, nameSize - 1)));
  const typeBytes = c.take(pad(typeSize));
  const spaceBytes = c.take(pad(spaceSize));
  const typeCursor = c.sub(typeBytes);
  const shared = (flags & 1) !== 0;
  const type = shared ? ({ kind: "opaque", size: 0, tag: "" } as Datatype) : parseDatatype(typeCursor);
  const space = parseDataspace(c.sub(spaceBytes));
  const data = c.take(c.remaining);
  return { name, type, space, data, sharedType: shared ? typeBytes : undefined };
}
