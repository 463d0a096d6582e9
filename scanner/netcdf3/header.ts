/**
 * Parser of the NetCDF3 header (classic CDF-1, 64-bit offset CDF-2, CDF-5) from the first bytes of a file.
 * Pure: it reads a byte array and throws NeedMoreBytes when the header runs past its end, so the caller can
 * fetch more and retry. Layout from the NetCDF classic format specification (BNF in the NetCDF User Guide).
 */

import { registerErrors } from "../../refs/errors.js";
import { isCdf5Only, type NcType, ncType } from "./types.js";

const UTF8 = new TextDecoder("utf-8");

/** UTF-8 text; short ASCII names (nearly all) skip TextDecoder, whose per-call cost dominates header parsing. */
export function utf8(bytes: Uint8Array): string {
  if (bytes.length > 256) return UTF8.decode(bytes);
  let s = "";
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] as number;
    if (b >= 0x80) return UTF8.decode(bytes);
    s += String.fromCharCode(b);
  }
  return s;
}

export type NcVersion = 1 | 2 | 5;

export interface NcDimension {
  name: string;
  /** 0 for the record (unlimited) dimension. */
  length: number;
  isRecord: boolean;
}

export interface NcAttribute {
  name: string;
  type: NcType;
  /** Raw big-endian bytes of the values (without padding). */
  bytes: Uint8Array;
  count: number;
}

export interface NcVariable {
  name: string;
  dimIds: number[];
  attributes: NcAttribute[];
  type: NcType;
  /** vsize as stored (may be a sentinel for >4 GiB variables in CDF-1/2: don't trust it). */
  vsize: number;
  /** Offset of the variable's data (of its first record for record variables). */
  begin: number;
}

export interface NcHeader {
  version: NcVersion;
  /** Number of records, or undefined for a streaming file (numrecs = STREAMING). */
  numrecs: number | undefined;
  dimensions: NcDimension[];
  attributes: NcAttribute[];
  variables: NcVariable[];
  /** Bytes the header occupies. */
  headerLength: number;
}

/** The header continues past the bytes given: retry with at least `needed` bytes. */
export class NeedMoreBytes extends Error {
  constructor(readonly needed: number) {
    super(`header needs at least ${needed} bytes`);
  }
}

/** A header that is not valid NetCDF3: `offset` is where the problem was found. */
export class BadHeader extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

const NC_DIMENSION = 10;
const NC_VARIABLE = 11;
const NC_ATTRIBUTE = 12;
const STREAMING_32 = 0xffffffff;

class Cursor {
  pos = 0;
  private readonly view: DataView;
  constructor(
    private readonly bytes: Uint8Array,
    private readonly version: NcVersion,
    /** Total file size: reads past it are a truncated file, not a short buffer. */
    private readonly fileSize: number,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  private need(n: number): void {
    const end = this.pos + n;
    if (end > this.fileSize) {
      throw new BadHeader(`header truncated: needs ${end} bytes but the file has ${this.fileSize}`, this.pos);
    }
    if (end > this.bytes.length) throw new NeedMoreBytes(end);
  }

  u32(): number {
    this.need(4);
    const v = this.view.getUint32(this.pos);
    this.pos += 4;
    return v;
  }

  u64big(): bigint {
    this.need(8);
    const v = this.view.getBigUint64(this.pos);
    this.pos += 8;
    return v;
  }

  u64(): number {
    this.need(8);
    const v = this.view.getBigUint64(this.pos);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new BadHeader(`64-bit value ${v} is too large`, this.pos);
    this.pos += 8;
    return Number(v);
  }

  /** NON_NEG: 32 bits, 64 in CDF-5. */
  count(): number {
    return this.version === 5 ? this.u64() : this.u32();
  }

  /** OFFSET: 32 bits in CDF-1, 64 in CDF-2 and CDF-5. */
  offset(): number {
    return this.version === 1 ? this.u32() : this.u64();
  }

  /** `n` bytes followed by padding to a 4-byte boundary. */
  padded(n: number): Uint8Array {
    const total = n + ((4 - (n % 4)) % 4);
    this.need(total);
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += total;
    return out;
  }

  name(): string {
    const at = this.pos;
    const n = this.count();
    if (n > 1 << 20) throw new BadHeader(`name length ${n} is implausible`, at);
    // Trailing NULs are not part of the name (scipy, so kerchunk, strips them too).
    const bytes = this.padded(n);
    let end = bytes.length;
    while (end > 0 && bytes[end - 1] === 0) end--;
    return utf8(bytes.subarray(0, end));
  }
}

function parseVersion(bytes: Uint8Array): NcVersion {
  if (bytes.length < 4) throw new NeedMoreBytes(4);
  const magic = String.fromCharCode(bytes[0] ?? 0, bytes[1] ?? 0, bytes[2] ?? 0);
  const version = bytes[3] ?? 0;
  if (magic !== "CDF" || (version !== 1 && version !== 2 && version !== 5)) {
    const found = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, "0")).join(" ");
    throw new BadHeader(`not a NetCDF3 file: expected magic "CDF" + 01/02/05, found bytes ${found}`, 0);
  }
  return version;
}

function listCount(cur: Cursor, expectedTag: number, what: string): number {
  const at = cur.pos;
  const tag = cur.u32();
  const n = cur.count();
  if (tag === 0 && n === 0) return 0; // ABSENT
  if (tag !== expectedTag) throw new BadHeader(`expected ${what} list tag ${expectedTag}, found ${tag}`, at);
  return n;
}

function parseAttributes(cur: Cursor, version: NcVersion): NcAttribute[] {
  const n = listCount(cur, NC_ATTRIBUTE, "attribute");
  const out: NcAttribute[] = [];
  for (let i = 0; i < n; i++) {
    const name = cur.name();
    const at = cur.pos;
    const code = cur.u32();
    const type = ncType(code);
    if (!type || (version !== 5 && isCdf5Only(type))) {
      throw new BadHeader(`attribute "${name}" has unknown type code ${code}`, at);
    }
    const count = cur.count();
    out.push({ name, type, count, bytes: cur.padded(count * type.size) });
  }
  return out;
}

function parseVariables(cur: Cursor, version: NcVersion, dims: NcDimension[]): NcVariable[] {
  const n = listCount(cur, NC_VARIABLE, "variable");
  const out: NcVariable[] = [];
  for (let i = 0; i < n; i++) {
    const name = cur.name();
    const rank = cur.count();
    const dimIds: number[] = [];
    for (let d = 0; d < rank; d++) {
      const at = cur.pos;
      const id = cur.count();
      if (id >= dims.length)
        throw new BadHeader(`variable "${name}" uses dimension id ${id} of ${dims.length}`, at);
      dimIds.push(id);
    }
    const attributes = parseAttributes(cur, version);
    const at = cur.pos;
    const code = cur.u32();
    const type = ncType(code);
    if (!type || (version !== 5 && isCdf5Only(type))) {
      throw new BadHeader(`variable "${name}" has unknown type code ${code}`, at);
    }
    const vsize = cur.count();
    const begin = cur.offset();
    out.push({ name, dimIds, attributes, type, vsize, begin });
  }
  return out;
}

function readNumrecs(cur: Cursor, version: NcVersion): number | undefined {
  const at = cur.pos;
  if (version !== 5) {
    const n = cur.u32();
    return n === STREAMING_32 ? undefined : n;
  }
  const n = cur.u64big();
  if (n === 0xffffffffffffffffn) return undefined;
  if (n > BigInt(Number.MAX_SAFE_INTEGER)) throw new BadHeader(`numrecs ${n} is too large`, at);
  return Number(n);
}

/** Parse the header from `bytes` (the start of a file of `fileSize` bytes). */
export function parseHeader(bytes: Uint8Array, fileSize: number): NcHeader {
  if (fileSize < 4) throw new BadHeader(`file of ${fileSize} bytes is too short for a NetCDF3 header`, 0);
  const version = parseVersion(bytes);
  const cur = new Cursor(bytes, version, fileSize);
  cur.pos = 4;
  const numrecs = readNumrecs(cur, version);
  const dimCount = listCount(cur, NC_DIMENSION, "dimension");
  const dimensions: NcDimension[] = [];
  for (let i = 0; i < dimCount; i++) {
    const name = cur.name();
    const length = cur.count();
    dimensions.push({ name, length, isRecord: length === 0 });
  }
  const attributes = parseAttributes(cur, version);
  const variables = parseVariables(cur, version, dimensions);
  return { version, numrecs, dimensions, attributes, variables, headerLength: cur.pos };
}

registerErrors({ NeedMoreBytes, BadHeader });
