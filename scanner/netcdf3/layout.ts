/**
 * Where each NetCDF3 variable's bytes are: fixed variables are one contiguous block (optionally cut along the
 * first axis), record variables one block per record, `recordStride` apart.
 */
import type { NcHeader, NcVariable } from "./header.js";

export interface VariableLayout {
  variable: NcVariable;
  dimensions: string[];
  shape: number[];
  chunks: number[];
  isRecord: boolean;
  /** Byte ranges of the chunks, in C order of the chunk grid. */
  ranges: { offset: number; length: number }[];
}

/** Bytes one record of `v` occupies, unpadded. */
function recordBytes(header: NcHeader, v: NcVariable): number {
  return v.dimIds.slice(1).reduce((n, id) => n * (header.dimensions[id]?.length ?? 0), v.type.size);
}

function isRecordVar(header: NcHeader, v: NcVariable): boolean {
  const first = v.dimIds[0];
  return first !== undefined && header.dimensions[first]?.isRecord === true;
}

/**
 * Distance between consecutive records: the sum of every record variable's size padded to 4 bytes, except that
 * a file with one record variable has no padding between records (NetCDF spec, "Note on padding").
 * Computed rather than read from vsize, which overflows for variables over 4 GiB in CDF-1/2.
 */
export function recordStride(header: NcHeader): number {
  const recVars = header.variables.filter((v) => isRecordVar(header, v));
  if (recVars.length === 1) return recordBytes(header, recVars[0] as NcVariable);
  return recVars.reduce((sum, v) => {
    const n = recordBytes(header, v);
    return sum + n + ((4 - (n % 4)) % 4);
  }, 0);
}

/** numrecs, or for a streaming file the number of whole records the file holds. */
export function recordCount(header: NcHeader, fileSize: number): number {
  if (header.numrecs !== undefined) return header.numrecs;
  const stride = recordStride(header);
  const firstRec = header.variables.find((v) => isRecordVar(header, v));
  if (!firstRec || stride === 0) return 0;
  return Math.max(0, Math.floor((fileSize - firstRec.begin) / stride));
}

/** Largest divisor of n that is at most `limit` (at least 1): Zarr needs every uncompressed chunk full. */
function rowsPerChunk(n: number, limit: number): number {
  for (let r = Math.min(n, Math.max(1, limit)); r > 1; r--) if (n % r === 0) return r;
  return 1;
}

/**
 * Every variable's layout. `check` sees them with empty range lists first, so sizes can be checked against the
 * file before ranges (one per record) are built.
 */
export function variableLayouts(
  header: NcHeader,
  fileSize: number,
  maxChunkBytes: number,
  check?: (layouts: VariableLayout[], stride: number) => void,
): VariableLayout[] {
  const numrecs = recordCount(header, fileSize);
  const stride = recordStride(header);
  if (check) {
    const shapes = header.variables.map((variable) => {
      const isRecord = isRecordVar(header, variable);
      const shape = variable.dimIds.map((id, i) =>
        i === 0 && isRecord ? numrecs : (header.dimensions[id]?.length ?? 0),
      );
      return { variable, dimensions: [], shape, chunks: [], isRecord, ranges: [] };
    });
    check(shapes, stride);
  }
  return header.variables.map((variable) => {
    const isRecord = isRecordVar(header, variable);
    const dimensions = variable.dimIds.map((id) => header.dimensions[id]?.name ?? "");
    const shape = variable.dimIds.map((id, i) =>
      i === 0 && isRecord ? numrecs : (header.dimensions[id]?.length ?? 0),
    );
    const rowBytes = recordBytes(header, variable);
    if (isRecord) {
      const ranges = Array.from({ length: numrecs }, (_, r) => ({
        offset: variable.begin + r * stride,
        length: rowBytes,
      }));
      return { variable, dimensions, shape, chunks: [1, ...shape.slice(1)], isRecord, ranges };
    }
    const total = shape.reduce((a, b) => a * b, variable.type.size);
    const first = shape[0];
    if (maxChunkBytes > 0 && total > maxChunkBytes && first !== undefined && first > 1 && rowBytes > 0) {
      const rows = rowsPerChunk(first, Math.floor(maxChunkBytes / rowBytes));
      const ranges = Array.from({ length: first / rows }, (_, i) => ({
        offset: variable.begin + i * rows * rowBytes,
        length: rows * rowBytes,
      }));
      return { variable, dimensions, shape, chunks: [rows, ...shape.slice(1)], isRecord, ranges };
    }
    return {
      variable,
      dimensions,
      shape,
      chunks: [...shape],
      isRecord,
      ranges: [{ offset: variable.begin, length: total }],
    };
  });
}
