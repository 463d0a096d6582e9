/**
 * Zarr v2 / numpy dtype strings ("<f8", ">i2", "|u1", "|S7", "<U3", "|b1", "<M8[s]", "|O") parsed into their
 * parts. Pure: how the bytes become values is refs/store's business (its allocate and decodeElements).
 */
export interface Dtype {
  text: string;
  /** numpy kind: i u f b S U O M m c V */
  kind: string;
  /** Bytes per element as stored. */
  itemsize: number;
  littleEndian: boolean;
  /** Values per element in the output (2 for complex: real, imaginary interleaved). */
  lanes: number;
}

/** Item sizes each fixed-size kind is supported at (S, U, O and V take any size). */
const SIZES: Record<string, readonly number[]> = {
  b: [1],
  M: [8],
  m: [8],
  c: [8, 16],
  f: [2, 4, 8],
  i: [1, 2, 4, 8],
  u: [1, 2, 4, 8],
};

/** The dtype of `text`, or undefined when it is not a dtype string or not a supported kind and size. */
export function parseDtype(text: string): Dtype | undefined {
  const m = /^([<>|=]?)([iufbSUOMmcV])(\d*)(\[[^\]]+\])?$/.exec(text);
  if (!m) return undefined;
  const kind = m[2] as string;
  // numpy's "U<n>" counts characters of UTF-32 (4 bytes each); every other size is in bytes.
  const itemsize = (m[3] ? Number(m[3]) : kind === "O" ? 0 : 1) * (kind === "U" ? 4 : 1);
  const sizes = SIZES[kind];
  if (sizes && !sizes.includes(itemsize)) return undefined;
  return { text, kind, itemsize, littleEndian: m[1] !== ">", lanes: kind === "c" ? 2 : 1 };
}
