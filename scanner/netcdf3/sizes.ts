/**
 * The header's sizes checked against the file before any range list is built: numrecs and every dimension length
 * must leave each variable's data inside the file. Before, numrecs 0x7FFFFFFF built two billion ranges.
 */
import { FormatError } from "../errors.js";
import type { NcHeader } from "./header.js";
import type { VariableLayout } from "./layout.js";

/** Byte offset of numrecs in every version's header. */
const NUMRECS_AT = 4;

export function checkSizes(
  url: string,
  header: NcHeader,
  layouts: VariableLayout[],
  fileSize: number,
  stride: number,
): void {
  for (const l of layouts) {
    const v = l.variable;
    const rowBytes = l.shape.slice(l.isRecord ? 1 : 0).reduce((a, b) => a * b, v.type.size);
    checkVsize(url, header, v.name, v.vsize, rowBytes);
    if (rowBytes === 0) continue;
    if (v.begin < header.headerLength)
      throw new FormatError(
        url,
        v.name,
        `data begins at byte ${v.begin}, inside the header (${header.headerLength} bytes): expected at or after its end`,
      );
    if (l.isRecord) {
      const records = l.shape[0] as number;
      if (records === 0) continue;
      const end = v.begin + (records - 1) * stride + rowBytes;
      if (!Number.isSafeInteger(end) || end > fileSize)
        throw new FormatError(
          url,
          v.name,
          `numrecs ${records} puts the last record of this variable at bytes ${v.begin + (records - 1) * stride} to ${end}, past the end of the file (${fileSize} bytes): expected at most ${Math.max(0, Math.floor((fileSize - v.begin - rowBytes) / stride) + 1)} records`,
          header.numrecs === undefined ? undefined : NUMRECS_AT,
        );
    } else {
      const end = v.begin + rowBytes;
      if (!Number.isSafeInteger(end) || end > fileSize)
        throw new FormatError(
          url,
          v.name,
          `shape ${l.shape.join("x")} of ${v.type.size}-byte values needs bytes ${v.begin} to ${end}, past the end of the file (${fileSize} bytes)`,
          v.begin,
        );
    }
  }
}

/**
 * vsize is the variable's size (one record's for record variables) rounded up to 4 bytes, or unrounded (a lone
 * record variable), or 2^32 - 1 in CDF-1/2 for variables over 4 GiB. Anything else means the dimensions or the
 * vsize were damaged; readers that trust vsize (netcdfjs) and those that compute sizes (we do) would differ.
 */
function checkVsize(url: string, header: NcHeader, name: string, vsize: number, bytes: number): void {
  const padded = bytes + ((4 - (bytes % 4)) % 4);
  if (vsize === padded || vsize === bytes) return;
  if (header.version !== 5 && vsize === 0xffffffff && padded > 0xfffffffb) return;
  throw new FormatError(
    url,
    name,
    `vsize ${vsize}, expected ${padded} (the dimension lengths times the type size, rounded up to 4 bytes)`,
  );
}
