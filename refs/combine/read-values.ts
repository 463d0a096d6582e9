/**
 * Values of a (small) array of one input, inline chunks or referenced, decoded by the caller's reader (refs/combine
 * does no I/O and no decoding: it imports nothing of refs/store).
 */
import type { ReferenceSet } from "../model/index.js";
import type { ReadCoordinate } from "./options.js";

/** True when every chunk the array has is inline (nothing to fetch). */
export function allInline(refs: ReferenceSet, path: string): boolean {
  const table = refs.arrays.get(path);
  if (!table) return true;
  for (let i = 0; i < table.count; i++) if ((table.pathIndex[i] as number) >= 0) return false;
  return true;
}

/**
 * Numbers (64-bit integers converted, exactly while below 2^53) or strings. Throws a plain Error with the
 * reason; callers wrap it in an error naming the file and dimension.
 */
export async function readValues(
  url: string,
  refs: ReferenceSet,
  path: string,
  read: ReadCoordinate | undefined,
): Promise<number[] | string[]> {
  if (!read) {
    const what = allInline(refs, path)
      ? "inline chunks: pass readCoordinate to decode them"
      : "references: pass readCoordinate to read them";
    throw new Error(`chunks of "${path}" are ${what}`);
  }
  const data = await read(url, refs, path);
  return normalise(data, path);
}

function normalise(data: ArrayLike<unknown>, path: string): number[] | string[] {
  const values = Array.from(data);
  if (values.every((v) => typeof v === "string")) return values as string[];
  return values.map((v) => {
    if (typeof v === "number") return v;
    if (typeof v === "bigint") {
      const n = Number(v);
      if (!Number.isSafeInteger(n)) throw new Error(`"${path}" holds ${v}, beyond exact float64 integers`);
      return n;
    }
    throw new Error(`"${path}" holds ${typeof v} values, not numbers or strings`);
  });
}
