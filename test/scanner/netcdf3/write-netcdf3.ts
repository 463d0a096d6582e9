/**
 * Test helper: writes NetCDF3 files (CDF-1, CDF-2, CDF-5) from a small description, following the format spec,
 * so tests can make every case (record variables, padding, all types, large offsets) without other tools.
 */
export type NcTypeName =
  | "byte"
  | "char"
  | "short"
  | "int"
  | "float"
  | "double"
  | "ubyte"
  | "ushort"
  | "uint"
  | "int64"
  | "uint64";

const TYPES: Record<NcTypeName, [code: number, size: number]> = {
  byte: [1, 1],
  char: [2, 1],
  short: [3, 2],
  int: [4, 4],
  float: [5, 4],
  double: [6, 8],
  ubyte: [7, 1],
  ushort: [8, 2],
  uint: [9, 4],
  int64: [10, 8],
  uint64: [11, 8],
};

export interface AttrSpec {
  name: string;
  type: NcTypeName;
  values: number[] | string;
}

export interface VarSpec {
  name: string;
  type: NcTypeName;
  dims: string[];
  attrs?: AttrSpec[];
  /** C-order values (all records for a record variable). */
  data: number[];
}

export interface FileSpec {
  version: 1 | 2 | 5;
  /** Dimension name -> length; 0 marks the record dimension. */
  dims: [string, number][];
  numrecs?: number;
  /** Write numrecs as STREAMING (0xFFFFFFFF) instead of the count. */
  streaming?: boolean;
  attrs?: AttrSpec[];
  vars: VarSpec[];
}

class Writer {
  parts: number[] = [];
  constructor(private readonly version: 1 | 2 | 5) {}
  u32(v: number) {
    this.parts.push((v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255);
  }
  u64(v: number) {
    this.u32(Math.floor(v / 2 ** 32));
    this.u32(v >>> 0);
  }
  count(v: number) {
    if (this.version === 5) this.u64(v);
    else this.u32(v);
  }
  offset(v: number) {
    if (this.version === 1) this.u32(v);
    else this.u64(v);
  }
  bytes(b: Uint8Array) {
    for (const x of b) this.parts.push(x);
    while (this.parts.length % 4) this.parts.push(0);
  }
  name(s: string) {
    const b = new TextEncoder().encode(s);
    this.count(b.length);
    this.bytes(b);
  }
}

export function encodeValues(type: NcTypeName, values: number[] | string): Uint8Array {
  if (typeof values === "string") return new TextEncoder().encode(values);
  const [, size] = TYPES[type];
  const out = new Uint8Array(values.length * size);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => {
    const o = i * size;
    if (type === "byte") view.setInt8(o, v);
    else if (type === "char" || type === "ubyte") view.setUint8(o, v);
    else if (type === "short") view.setInt16(o, v);
    else if (type === "ushort") view.setUint16(o, v);
    else if (type === "int") view.setInt32(o, v);
    else if (type === "uint") view.setUint32(o, v);
    else if (type === "float") view.setFloat32(o, v);
    else if (type === "double") view.setFloat64(o, v);
    else if (type === "int64") view.setBigInt64(o, BigInt(v));
    else view.setBigUint64(o, BigInt(v));
  });
  return out;
}

function writeAttrs(w: Writer, attrs: AttrSpec[] | undefined) {
  if (!attrs?.length) {
    w.u32(0);
    w.count(0);
    return;
  }
  w.u32(12);
  w.count(attrs.length);
  for (const a of attrs) {
    w.name(a.name);
    w.u32(TYPES[a.type][0]);
    const bytes = encodeValues(a.type, a.values);
    w.count(bytes.length / TYPES[a.type][1]);
    w.bytes(bytes);
  }
}

const pad4 = (n: number) => n + ((4 - (n % 4)) % 4);

/** The file's bytes, plus where each variable's data begins (its first record for record variables). */
export function writeNetCDF3(spec: FileSpec): {
  bytes: Uint8Array;
  begins: Map<string, number>;
  recordStride: number;
} {
  const dimLen = new Map(spec.dims);
  const isRec = (v: VarSpec) => v.dims.length > 0 && dimLen.get(v.dims[0] as string) === 0;
  const inner = (v: VarSpec) => v.dims.slice(isRec(v) ? 1 : 0).reduce((n, d) => n * (dimLen.get(d) ?? 0), 1);
  const numrecs = spec.numrecs ?? 0;
  const recVars = spec.vars.filter(isRec);
  const recBytes = (v: VarSpec) => inner(v) * TYPES[v.type][1];
  const vsize = (v: VarSpec) => pad4(recBytes(v));
  const stride =
    recVars.length === 1 ? recBytes(recVars[0] as VarSpec) : recVars.reduce((s, v) => s + vsize(v), 0);

  const header = (begins: Map<string, number>) => {
    const w = new Writer(spec.version);
    w.parts.push(67, 68, 70, spec.version);
    if (spec.version === 5) {
      if (spec.streaming) w.parts.push(255, 255, 255, 255, 255, 255, 255, 255);
      else w.u64(numrecs);
    } else w.u32(spec.streaming ? 0xffffffff : numrecs);
    if (spec.dims.length) {
      w.u32(10);
      w.count(spec.dims.length);
      for (const [n, l] of spec.dims) {
        w.name(n);
        w.count(l);
      }
    } else {
      w.u32(0);
      w.count(0);
    }
    writeAttrs(w, spec.attrs);
    if (spec.vars.length) {
      w.u32(11);
      w.count(spec.vars.length);
    } else {
      w.u32(0);
      w.count(0);
    }
    const dimIndex = new Map(spec.dims.map(([n], i) => [n, i]));
    for (const v of spec.vars) {
      w.name(v.name);
      w.count(v.dims.length);
      for (const d of v.dims) w.count(dimIndex.get(d) ?? 0);
      writeAttrs(w, v.attrs);
      w.u32(TYPES[v.type][0]);
      w.count(vsize(v));
      w.offset(begins.get(v.name) ?? 0);
    }
    return w.parts;
  };
  const headerLength = header(new Map()).length;
  const begins = new Map<string, number>();
  let at = headerLength;
  for (const v of spec.vars.filter((v) => !isRec(v))) {
    begins.set(v.name, at);
    at += vsize(v);
  }
  const recStart = at;
  let recOffset = 0;
  for (const v of recVars) {
    begins.set(v.name, recStart + recOffset);
    recOffset += vsize(v);
  }
  const total = recStart + stride * numrecs;
  const bytes = new Uint8Array(total);
  bytes.set(header(begins));
  for (const v of spec.vars) {
    const data = encodeValues(v.type, v.data);
    const begin = begins.get(v.name) ?? 0;
    if (!isRec(v)) bytes.set(data, begin);
    else {
      const n = recBytes(v);
      for (let r = 0; r < numrecs; r++) bytes.set(data.subarray(r * n, (r + 1) * n), begin + r * stride);
    }
  }
  return { bytes, begins, recordStride: stride };
}
