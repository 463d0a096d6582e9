/**
 * H3 indexes in three forms: the hex string h3-js speaks, the unsigned 64-bit value the Parquet column holds,
 * and a 52-bit "key" as a plain number for the hot loops. All cells of one resolution share their top 12 bits
 * (reserved 0, mode 1, reserved 0, resolution), so the low 52 bits (base cell and digits) identify a cell
 * exactly, fit a double, and sort in the same order as the 64-bit values.
 */
import { latLngToCell } from "h3-js";

/** H3 index string to its unsigned 64-bit value. */
export function cellToBigInt(cell: string): bigint {
  return BigInt(`0x${cell}`);
}

/** Unsigned 64-bit H3 index to its 15-digit hex string. */
export function bigIntToCell(value: bigint): string {
  return value.toString(16);
}

const H0_NAMES = Array.from({ length: 122 }, (_, base) => keyToHex(base * 2 ** 45 + (2 ** 45 - 1), 0));

/**
 * The resolution-0 ancestor of a cell, as the 15-hex-digit string used in `h0=` partitions: the same base cell
 * (bits 45-51) with every digit 7, which is what cellToParent(cell, 0) returns, without a string round trip.
 */
export function h0Of(value: bigint): string {
  return H0_NAMES[Number((value >> 45n) & 0x7fn)] as string;
}

/** Low 52 bits of a cell: its 15 hex digits after mode and resolution. */
export function cellKey(cell: string): number {
  return Number.parseInt(cell.slice(2), 16);
}

export function keyToHex(key: number, res: number): string {
  return `8${res.toString(16)}${key.toString(16).padStart(13, "0")}`;
}

export function keyToBigInt(key: number, res: number): bigint {
  return (1n << 59n) | (BigInt(res) << 52n) | BigInt(key);
}

/** Cell keys of many points at one resolution; NaN coordinates give NaN (no cell). */
export function cellsOfPoints(lat: Float64Array, lng: Float64Array, res: number): Float64Array {
  const out = new Float64Array(lat.length);
  for (let i = 0; i < lat.length; i++) {
    const la = lat[i] as number;
    const lo = lng[i] as number;
    out[i] = Number.isFinite(la) && Number.isFinite(lo) ? cellKey(latLngToCell(la, lo, res)) : Number.NaN;
  }
  return out;
}
