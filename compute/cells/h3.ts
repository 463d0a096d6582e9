import { cellToParent, latLngToCell } from "h3-js";

/** H3 index string to its unsigned 64-bit value. */
export function cellToBigInt(cell: string): bigint {
  return BigInt(`0x${cell}`);
}

/** Unsigned 64-bit H3 index to its 15-digit hex string. */
export function bigIntToCell(value: bigint): string {
  return value.toString(16);
}

/** The resolution-0 ancestor of a cell, as the 15-hex-digit string used in `h0=` partitions. */
export function h0Of(value: bigint): string {
  return cellToParent(bigIntToCell(value), 0);
}

/** Cells of many points at one resolution; NaN coordinates give 0 (no cell). */
export function cellsOfPoints(lat: Float64Array, lng: Float64Array, res: number): BigUint64Array {
  const out = new BigUint64Array(lat.length);
  for (let i = 0; i < lat.length; i++) {
    const la = lat[i] as number;
    const lo = lng[i] as number;
    if (Number.isFinite(la) && Number.isFinite(lo)) out[i] = cellToBigInt(latLngToCell(la, lo, res));
  }
  return out;
}
