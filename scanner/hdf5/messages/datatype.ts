import type { Cursor } from "../cursor.js";

/** A parsed HDF5 datatype message (every class of the File Format Specification, section IV.A.2.d). */
export type Datatype =
  | { kind: "int"; size: number; signed: boolean; bigEndian: boolean }
  | { kind: "float"; size: number; bigEndian: boolean }
  | { kind: "time"; size: number }
  | { kind: "string"; size: number; padding: number; utf8: boolean }
  | { kind: "bitfield"; size: number; bigEndian: boolean }
  | { kind: "opaque"; size: number; tag: string }
  | { kind: "compound"; size: number; members: CompoundMember[] }
  | { kind: "reference"; size: number; region: boolean }
  | { kind: "enum"; size: number; base: Datatype; names: string[]; values: Uint8Array[] }
  | { kind: "vlen"; size: number; string: boolean; utf8: boolean; base: Datatype }
  | { kind: "array"; size: number; dims: number[]; base: Datatype };

export interface CompoundMember {
  name: string;
  offset: number;
  type: Datatype;
}

/** Name padded with nulls to a multiple of 8 bytes (datatype versions 1 and 2). */
function paddedName(c: Cursor): string {
  const start = c.pos;
  const name = c.cstring();
  c.pos = start + Math.ceil((c.pos - start) / 8) * 8;
  return name;
}

export function parseDatatype(c: Cursor): Datatype {
  const classAndVersion = c.u8();
  const cls = classAndVersion & 0x0f;
  const version = classAndVersion >> 4;
  const b0 = c.u8();
  const b1 = c.u8();
  c.u8();
  const size = c.u32();
  switch (cls) {
    case 0:
      c.skip(4);
      return { kind: "int", size, signed: (b0 & 0x08) !== 0, bigEndian: (b0 & 1) !== 0 };
    case 1:
      c.skip(12);
      return { kind: "float", size, bigEndian: (b0 & 1) !== 0 };
    case 2:
      c.skip(2);
      return { kind: "time", size };
    case 3:
      return { kind: "string", size, padding: b0 & 0x0f, utf8: b0 >> 4 === 1 };
    case 4:
      c.skip(4);
      return { kind: "bitfield", size, bigEndian: (b0 & 1) !== 0 };
    case 5: {
      const tagLength = b0;
      const tagBytes = c.take(tagLength);
      const end = tagBytes.indexOf(0);
      const tag = new TextDecoder().decode(end >= 0 ? tagBytes.subarray(0, end) : tagBytes);
      return { kind: "opaque", size, tag };
    }
    case 6:
      return { kind: "compound", size, members: compoundMembers(c, version, b0 | (b1 << 8), size) };
    case 7:
      return { kind: "reference", size, region: (b0 & 0x0f) === 1 };
    case 8: {
      const base = parseDatatype(c);
      const count = b0 | (b1 << 8);
      const names: string[] = [];
      for (let i = 0; i < count; i++) names.push(version >= 3 ? c.cstring() : paddedName(c));
      const values: Uint8Array[] = [];
      for (let i = 0; i < count; i++) values.push(c.take(base.size));
      return { kind: "enum", size, base, names, values };
    }
    case 9: {
      const base = parseDatatype(c);
      return { kind: "vlen", size, string: (b0 & 0x0f) === 1, utf8: (b1 & 0x0f) === 1, base };
    }
    case 10: {
      const ndims = c.u8();
      if (version < 3) c.skip(3);
      const dims: number[] = [];
      for (let i = 0; i < ndims; i++) dims.push(c.u32());
      if (version < 3) c.skip(4 * ndims);
      return { kind: "array", size, dims, base: parseDatatype(c) };
    }
    default:
      throw new RangeError(`unknown datatype class ${cls}`);
  }
}

function compoundMembers(c: Cursor, version: number, count: number, size: number): CompoundMember[] {
  const members: CompoundMember[] = [];
  for (let i = 0; i < count; i++) {
    const name = version >= 3 ? c.cstring() : paddedName(c);
    let offset: number;
    if (version >= 3) {
      offset = c.count(size < 256 ? 1 : size < 65536 ? 2 : size < 16777216 ? 3 : 4);
    } else {
      offset = c.u32();
    }
    let dims: number[] = [];
    if (version === 1) {
      // Version 1 gives array members as a dimensionality and up to four sizes here.
      const ndims = c.u8();
      c.skip(3 + 4 + 4);
      const sizes = [c.u32(), c.u32(), c.u32(), c.u32()];
      dims = sizes.slice(0, ndims);
    }
    const base = parseDatatype(c);
    const type: Datatype =
      dims.length > 0
        ? { kind: "array", size: base.size * dims.reduce((a, b) => a * b, 1), dims, base }
        : base;
    members.push({ name, offset, type });
  }
  return members;
}
