import type { ChunkTable, JsonObject, JsonValue, ReferenceSet } from "../../refs/model/index.js";
import { budgetedChunkTable, type ScanBudget } from "../budget.js";
import { UnsupportedFeatureError } from "../errors.js";
import type { ScanIssue } from "../types.js";
import { TruncatedFileError } from "../within-file.js";
import { type ZarrView, zarrView } from "./array-type.js";
import { listChunks } from "./chunk-index/index.js";
import { type ChunkIndexContext, gridOf } from "./chunk-index/types.js";
import type { DatasetInfo } from "./dataset.js";
import { describeType, numpyDtype } from "./dtype.js";
import { embedObjects, isPlainCompound } from "./embed.js";
import type { HdfFile } from "./file.js";
import { encodeFill, encodeStringFill, kerchunkFill } from "./fill-value.js";
import { filtersToCodecs } from "./filters.js";
import { checkLayoutGeometry } from "./layout-geometry.js";
import { reencodeMaskedChunk } from "./masked-chunks.js";
import type { RawAttribute } from "./messages/attribute.js";
import type { Datatype } from "./messages/datatype.js";
import type { ValueDecoder } from "./values.js";

export interface DatasetInput {
  file: HdfFile;
  url: string;
  path: string;
  info: DatasetInfo;
  attrs: RawAttribute[];
  zattrs: JsonObject;
  dims: string[];
  decoder: ValueDecoder;
  inlineThreshold: number;
  /** The scan's memory budget, charged for chunk tables (scanFile sets one). */
  budget?: ScanBudget;
  readBytes: (offset: number, length: number) => Promise<Uint8Array>;
  /** Caveats to report (objects handled differently from kerchunk). */
  issues: ScanIssue[];
}

/** A dataset as kerchunk writes it: .zarray, .zattrs and the chunk references. Throws UnsupportedFeatureError. */
export async function datasetToZarr(input: DatasetInput, refs: ReferenceSet): Promise<void> {
  const { info, path, file } = input;
  const object = `/${path}`;
  checkLayoutGeometry(info, file.url, object, file.fileSize);
  const t = info.type;
  const zattrs = { ...input.zattrs, _ARRAY_DIMENSIONS: input.dims };
  const at = { offset: info.offsets.layout };
  if (info.external) throw new UnsupportedFeatureError(file.url, object, "external raw data storage", at);
  if (info.layout.kind === "virtual")
    throw new UnsupportedFeatureError(file.url, object, "virtual dataset layout", at);
  if (t.kind === "vlen" && t.string) return embedObjects(input, refs, zattrs, "strings");
  if (t.kind === "vlen" && isNumeric(t.base)) return embedObjects(input, refs, zattrs, "sequences");
  if (isPlainCompound(t)) return embedObjects(input, refs, zattrs, "records");
  const view = zarrView(info, input.dims);
  const dtype = numpyDtype(view.type);
  if (dtype === undefined) {
    const what = t.kind === "array" ? `array datatype of ${describeType(view.type)}` : describeType(t);
    throw new UnsupportedFeatureError(file.url, object, `${what} datatype`, { offset: info.offsets.type });
  }
  if (view.mixedFill)
    throw new UnsupportedFeatureError(
      file.url,
      object,
      "array datatype whose fill value differs per element",
      {
        offset: info.offsets.type,
      },
    );
  const shape = view.shape;
  zattrs._ARRAY_DIMENSIONS = view.dims;
  const layout = info.layout;
  if (layout.kind === "compact") {
    const chunks = [...shape];
    refs.metadata.set(`${path}/.zarray`, zarray(shape, chunks, dtype, null, null));
    refs.metadata.set(`${path}/.zattrs`, zattrs);
    const table = budgetedChunkTable(
      input.budget,
      gridOf(
        shape,
        chunks.map((c) => Math.max(1, c)),
      ),
      object,
    );
    const n = shape.reduce((a, b) => a * b, 1) * t.size;
    if (table.count > 0) table.set(0, { kind: "inline", data: layout.data.slice(0, n) });
    refs.arrays.set(path, table);
    return;
  }
  const mapping = filtersToCodecs(info.filters, t.size);
  if ("unsupported" in mapping)
    throw new UnsupportedFeatureError(file.url, object, mapping.unsupported, {
      offset: info.offsets.filters,
    });
  const units = input.attrs.find((a) => a.name === "units");
  const unitsText = units ? String(await input.decoder.one(units.type, units.data, object)) : undefined;
  const fill = kerchunkFill(view.type, view.fill, input.attrs, unitsText);
  const chunks = view.chunks ?? [...shape];
  const filters = mapping.codecs.length > 0 ? mapping.codecs : null;
  refs.metadata.set(`${path}/.zarray`, zarray(shape, chunks, dtype, fill, filters));
  refs.metadata.set(`${path}/.zattrs`, zattrs);
  const table = budgetedChunkTable(
    input.budget,
    gridOf(
      shape,
      chunks.map((c) => Math.max(1, c)),
    ),
    object,
  );
  refs.arrays.set(path, table);
  if (layout.kind === "contiguous") {
    if (layout.address >= 0 && table.count > 0) await setChunk(input, table, layout.address, layout.size);
    else useStoredFill(input, refs, fill, view);
    return;
  }
  const ctx: ChunkIndexContext = {
    file,
    object,
    address: layout.address,
    index: layout.index,
    shape: info.space.shape,
    maxShape: info.space.maxShape.map((m) => (m === -1 ? -1 : m)),
    chunk: layout.chunk,
    elementSize: layout.elementSize,
    filtered: info.filters.length > 0,
  };
  let stored = 0;
  const inline: Array<[number, number, number]> = [];
  const masked: Array<[number, number, number, number]> = [];
  await listChunks(ctx, (flat, address, size, filterMask) => {
    stored++;
    const offset = checkedOffset(input, address, size);
    if (filterMask !== 0) masked.push([flat, address, size, filterMask]);
    else if (size < input.inlineThreshold) inline.push([flat, offset, size]);
    else table.set(flat, { kind: "range", url: input.url, offset, length: size });
  });
  for (const [flat, address, size, mask] of masked) {
    const data = await reencodeMaskedChunk(file, object, address, size, mask, mapping.codecs);
    table.set(flat, { kind: "inline", data });
    const key = table.coords(flat).join(".");
    input.issues.push({
      object,
      feature: "per-chunk filter mask",
      message: `${file.url} (object ${object}, byte offset ${file.fileOffset(address)}): chunk ${key} was stored with filters skipped (mask ${mask}); re-encoded and embedded`,
    });
  }
  await inlineChunks(input, table, inline);
  if (stored < table.count) useStoredFill(input, refs, fill, view);
}

/**
 * kerchunk writes fill_value null for netCDF variables (xarray applies _FillValue itself), but then chunks
 * never written read as zeros instead of what HDF5 returns. Where storage is missing and the file defines a
 * fill value, write that fill value instead, so reading through the references gives HDF5's values.
 */
function useStoredFill(input: DatasetInput, refs: ReferenceSet, fill: JsonValue, view: ZarrView): void {
  const stored = view.fill;
  if (fill !== null || stored === undefined) return;
  const t = view.type;
  const value = numpyDtype(t)?.startsWith("|S") ? encodeStringFill(stored) : encodeFill(t, stored);
  if (value === 0 || value === false) return; // reads the same as null
  const meta = refs.metadata.get(`${input.path}/.zarray`);
  if (meta) meta.fill_value = value;
}

/** File offset of a chunk, checked to lie inside the file. */
function checkedOffset(input: DatasetInput, address: number, length: number): number {
  const offset = input.file.fileOffset(address);
  if (address < 0 || length < 0 || offset + length > input.file.fileSize) {
    // A truncated file: refused whole (not left out under onError), see scanner/within-file.ts.
    throw new TruncatedFileError(
      input.file.url,
      `/${input.path}`,
      `chunk of ${length} bytes at bytes ${offset}..${offset + length - 1} lies past the end of the file ` +
        `(${input.file.fileSize} bytes): the file is truncated or still being written`,
      offset,
    );
  }
  return offset;
}

/** Read and embed the chunks below the inline threshold. */
async function inlineChunks(
  input: DatasetInput,
  table: ChunkTable,
  chunks: Array<[number, number, number]>,
): Promise<void> {
  const data = await Promise.all(chunks.map(([, offset, length]) => input.readBytes(offset, length)));
  chunks.forEach(([flat], i) => {
    table.set(flat, { kind: "inline", data: (data[i] as Uint8Array).slice() });
  });
}

/** A contiguous dataset's one chunk: a range, or inline below the threshold. */
async function setChunk(
  input: DatasetInput,
  table: ChunkTable,
  address: number,
  length: number,
): Promise<void> {
  const offset = checkedOffset(input, address, length);
  if (length < input.inlineThreshold) await inlineChunks(input, table, [[0, offset, length]]);
  else table.set(0, { kind: "range", url: input.url, offset, length });
}

export function zarray(
  shape: number[],
  chunks: number[],
  dtype: string,
  fill: JsonValue,
  filters: JsonValue,
): JsonObject {
  return { chunks, compressor: null, dtype, fill_value: fill, filters, order: "C", shape, zarr_format: 2 };
}
/** Plain numbers: what a variable-length sequence may hold to be embedded as JSON lists. */
function isNumeric(t: Datatype): boolean {
  return t.kind === "int" || t.kind === "float" || (t.kind === "enum" && t.base.kind === "int");
}
