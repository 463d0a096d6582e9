/**
 * Mutants of a file for the mutation suite: truncations, byte flips, zeroed blocks, offsets made to point at
 * themselves and small sizes made huge, placed mostly where metadata lies (the first kilobytes, TIFF IFDs and
 * tag values), from a seeded generator so every run makes the same mutants.
 */
import { metadataRanges } from "../scanner/tiff/tiff-structure.js";

export type Format = "hdf5" | "netcdf3" | "tiff";
export type MutationKind = "truncate" | "flip" | "zero" | "self-offset" | "huge-size" | "structural";
/** The kinds made at random (structural mutants are made once per file). */
export const MUTATION_KINDS: MutationKind[] = ["truncate", "flip", "zero", "self-offset", "huge-size"];

export interface Mutant {
  /** `<kind>@<offset>[:detail]`, unique per seed file. */
  name: string;
  kind: MutationKind;
  bytes: Uint8Array;
}

/** mulberry32: small, fast, deterministic. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Words {
  size: 4 | 8;
  littleEndian: boolean;
}

function wordsOf(bytes: Uint8Array, format: Format): Words {
  if (format === "hdf5") return { size: 8, littleEndian: true };
  if (format === "netcdf3") return { size: bytes[3] === 1 ? 4 : 8, littleEndian: false };
  const le = bytes[0] === 0x49;
  const big = (le ? bytes[2] : bytes[3]) === 43;
  return { size: big ? 8 : 4, littleEndian: le };
}

function readWord(view: DataView, at: number, w: Words): number {
  return w.size === 8 ? Number(view.getBigUint64(at, w.littleEndian)) : view.getUint32(at, w.littleEndian);
}

function writeWord(view: DataView, at: number, w: Words, value: number, size = w.size): void {
  if (size === 8) view.setBigUint64(at, BigInt(value), w.littleEndian);
  else view.setUint32(at, value >>> 0, w.littleEndian);
}

/** Byte positions worth mutating: the metadata zone of the format, plus a share anywhere in the file. */
function zone(bytes: Uint8Array, format: Format): number[] {
  const positions: number[] = [];
  if (format === "tiff") {
    for (const r of metadataRanges(bytes))
      for (let i = r.offset; i < Math.min(bytes.length, r.offset + r.length); i++) positions.push(i);
  } else {
    for (let i = 0; i < Math.min(bytes.length, format === "hdf5" ? 4096 : 1024); i++) positions.push(i);
  }
  return positions.length > 0 ? positions : [0];
}

/**
 * Mutants aimed at known failure modes, beside the random ones: TIFF IFD chains that loop (to themselves, to the
 * first IFD), SamplesPerPixel 65535, RowsPerStrip and TileWidth 0, a huge ImageWidth; NetCDF3 numrecs 0x7FFFFFFF.
 */
export function structuralMutants(bytes: Uint8Array, format: Format): Mutant[] {
  const out: Mutant[] = [];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const edit = (name: string, fn: (v: DataView) => void) => {
    const copy = bytes.slice();
    fn(new DataView(copy.buffer));
    out.push({ name: `structural@${name}`, kind: "structural", bytes: copy });
  };
  if (format === "netcdf3") {
    if (bytes[3] === 5) edit("numrecs", (v) => v.setBigUint64(4, 0x7fffffffn));
    else edit("numrecs", (v) => v.setUint32(4, 0x7fffffff));
    return out;
  }
  if (format !== "tiff") return out;
  const le = bytes[0] === 0x49;
  if (view.getUint16(2, le) !== 42) return out; // classic TIFF only
  const ifds: number[] = [];
  for (let at = view.getUint32(4, le); at !== 0 && at + 2 <= bytes.length && ifds.length < 64; ) {
    if (ifds.includes(at)) break;
    ifds.push(at);
    at = view.getUint32(at + 2 + 12 * view.getUint16(at, le), le);
  }
  const last = ifds[ifds.length - 1];
  const first = ifds[0];
  if (last === undefined || first === undefined) return out;
  const nextOf = (ifd: number) => ifd + 2 + 12 * view.getUint16(ifd, le);
  edit("loop-self", (v) => v.setUint32(nextOf(last), last, le));
  edit("loop-first", (v) => v.setUint32(nextOf(last), first, le));
  const setTag = (tag: number, value: number) => {
    for (let i = 0; i < view.getUint16(first, le); i++) {
      const e = first + 2 + 12 * i;
      if (view.getUint16(e, le) !== tag) continue;
      const short = view.getUint16(e + 2, le) === 3;
      edit(`tag${tag}=${value}`, (v) =>
        short ? v.setUint16(e + 8, value, le) : v.setUint32(e + 8, value, le),
      );
    }
  };
  setTag(277, 65535);
  setTag(278, 0);
  setTag(322, 0);
  setTag(256, 65535);
  setTag(257, 0);
  return out;
}

/** `count` mutants of `bytes`, spread over the kinds in turn. */
export function mutants(bytes: Uint8Array, format: Format, count: number, seed: number): Mutant[] {
  const next = random(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)] as T;
  const w = wordsOf(bytes, format);
  const places = zone(bytes, format);
  const place = () => (next() < 0.85 ? pick(places) : Math.floor(next() * bytes.length));
  /** Positions whose word reads as an offset inside the file (a pointer), or as a small size/count. */
  const offsets: number[] = [];
  const smalls: number[] = [];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (const p of places) {
    if (p + w.size > bytes.length) continue;
    const v = readWord(view, p, w);
    if (v >= 8 && v < bytes.length) offsets.push(p);
    const small = p + 4 <= bytes.length ? (w.littleEndian ? view.getUint32(p, true) : view.getUint32(p)) : 0;
    if (small >= 1 && small <= 65536) smalls.push(p);
  }
  const out: Mutant[] = [];
  const names = new Set<string>();
  for (let i = 0; out.length < count && i < count * 20; i++) {
    const kind = MUTATION_KINDS[out.length % MUTATION_KINDS.length] as MutationKind;
    const m = mutate(kind);
    if (m && !names.has(m.name)) {
      names.add(m.name);
      out.push(m);
    }
  }
  return out;

  function mutate(kind: MutationKind): Mutant | undefined {
    const copy = bytes.slice();
    const v = new DataView(copy.buffer);
    switch (kind) {
      case "truncate": {
        const at = next() < 0.5 ? place() : Math.floor(next() * bytes.length);
        return { name: `truncate@${at}`, kind, bytes: bytes.slice(0, at) };
      }
      case "flip": {
        const at = place();
        const bit = Math.floor(next() * 8);
        copy[at] = (copy[at] as number) ^ (1 << bit);
        return { name: `flip@${at}:${bit}`, kind, bytes: copy };
      }
      case "zero": {
        const at = place();
        const n = pick([4, 8, 16, 64]);
        copy.fill(0, at, at + n);
        return { name: `zero@${at}:${n}`, kind, bytes: copy };
      }
      case "self-offset": {
        if (offsets.length === 0) return undefined;
        const at = pick(offsets);
        writeWord(v, at, w, at);
        return { name: `self-offset@${at}`, kind, bytes: copy };
      }
      case "huge-size": {
        if (smalls.length === 0) return undefined;
        const at = pick(smalls);
        const value = pick([0xffffffff, 0x7fffffff, 0x10000000, 0xfffe]);
        writeWord(v, at, w, value, 4);
        return { name: `huge-size@${at}:${value.toString(16)}`, kind, bytes: copy };
      }
    }
  }
}
