import type { Cursor } from "../cursor.js";

/** Fill value: the raw bytes when defined, undefined when the library default (zeros) applies. */
export interface FillValue {
  value: Uint8Array | undefined;
}

/** New fill value message (type 5), versions 1-3. */
export function parseFillValue(c: Cursor): FillValue {
  const version = c.u8();
  if (version <= 2) {
    c.u8(); // space allocation time
    c.u8(); // fill value write time
    const defined = c.u8();
    if (!defined) return { value: undefined };
    const size = c.u32();
    return { value: c.take(size) };
  }
  const flags = c.u8();
  if (flags & 0x10) return { value: undefined }; // undefined fill value
  if (!(flags & 0x20)) return { value: undefined };
  const size = c.u32();
  return { value: c.take(size) };
}

/** Old fill value message (type 4): size + bytes. */
export function parseFillValueOld(c: Cursor): FillValue {
  const size = c.u32();
  return { value: size > 0 ? c.take(size) : undefined };
}
