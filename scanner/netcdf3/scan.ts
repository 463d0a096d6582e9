import { budgetedChunkTable } from "../budget.js";
/**
 * NetCDF3 scanner: header -> Zarr v2 metadata and chunk references, as kerchunk's NetCDF3ToZarr writes them
 * (same keys, offsets, lengths and .zarray), with attributes kept as JSON values instead of Python str().
 */

import { metadataJson, rememberText } from "../../refs/formats/index.js";
import type { ChunkTable, JsonObject, ReferenceSet } from "../../refs/model/index.js";
import type { ByteSource } from "../../refs/storage/index.js";
import { FormatError } from "../errors.js";
import { DETECT_PLAN, ScanSource } from "../scan-source.js";
import type { ScanOptions, ScanResult } from "../types.js";
import { attributeValue, FILL_ATTRIBUTES, type FillValue, fillValue } from "./attributes.js";
import type { NcAttribute } from "./header.js";
import { type VariableLayout, variableLayouts } from "./layout.js";
import { readHeader } from "./read-header.js";
import { checkSizes } from "./sizes.js";

export interface NetCDF3ScanOptions extends ScanOptions {
  /**
   * Use NetCDF's default fill value as fill_value where a variable has neither missing_value nor _FillValue
   * (default true). false reproduces kerchunk, which writes null there.
   */
  defaultFillValues?: boolean;
}

function attributesJson(attrs: NcAttribute[], skip: Set<string>): JsonObject {
  const out: JsonObject = {};
  for (const a of attrs) if (!skip.has(a.name)) out[a.name] = attributeValue(a);
  return out;
}

function zarray(key: string, layout: VariableLayout, fill: FillValue): JsonObject {
  const doc: JsonObject = {
    chunks: layout.chunks,
    compressor: null,
    dtype: layout.variable.type.dtype,
    fill_value: typeof fill === "bigint" ? Number(fill) : fill,
    filters: null,
    order: "C",
    shape: layout.shape,
    zarr_format: 2,
  };
  // a 64-bit fill beyond 2^53: the document holds the nearest double, its text the exact integer
  if (typeof fill === "bigint") {
    const text = metadataJson(key, doc).replace(/"fill_value":\s*-?[\d.e+]+/, `"fill_value":${fill}`);
    rememberText(doc, text);
  }
  return doc;
}

/** Chunk grid and references of one variable; small fixed variables inline (kerchunk inlines size < threshold). */
async function chunkTable(
  source: ByteSource,
  url: string,
  layout: VariableLayout,
  fileSize: number,
  options: NetCDF3ScanOptions,
): Promise<ChunkTable> {
  const grid = layout.shape.map((n, i) => Math.ceil(n / Math.max(1, layout.chunks[i] ?? 1)));
  const table = budgetedChunkTable(options.budget, grid, layout.variable.name);
  const threshold = options.inlineThreshold ?? 500;
  for (let i = 0; i < layout.ranges.length && i < table.count; i++) {
    const { offset, length } = layout.ranges[i] as { offset: number; length: number };
    if (offset + length > fileSize) {
      throw new FormatError(
        url,
        layout.variable.name,
        `data of ${length} bytes at ${offset} runs past the end of the file (${fileSize} bytes): truncated file?`,
        offset,
      );
    }
    if (!layout.isRecord && length < threshold) {
      table.set(i, { kind: "inline", data: await source.fetch(offset, length, options) });
    } else {
      table.set(i, { kind: "range", url, offset, length });
    }
  }
  return table;
}

export async function scanNetCDF3(
  source: ByteSource,
  url: string,
  options: NetCDF3ScanOptions = {},
): Promise<ScanResult> {
  // One read path (scan-source.ts): 64 KiB spans hold the header and the small variables to inline that usually
  // sit right after it.
  const cached = ScanSource.of(source, options.budget);
  cached.plan(DETECT_PLAN);
  const header = await readHeader(cached, url, options);
  const fileSize = await source.size(options);
  const refs: ReferenceSet = { metadata: new Map(), arrays: new Map() };
  refs.metadata.set(".zgroup", { zarr_format: 2 });
  refs.metadata.set(".zattrs", attributesJson(header.attributes, new Set()));
  const useDefault = options.defaultFillValues ?? true;
  const check = (layouts: VariableLayout[], stride: number) => {
    checkSizes(url, header, layouts, fileSize, stride);
    // one byte range object (about 48 bytes) per record of each record variable, charged before they are built
    for (const l of layouts)
      if (l.isRecord)
        options.budget?.take((l.shape[0] ?? 0) * 48, `${l.shape[0]} record ranges`, l.variable.name);
  };
  for (const layout of variableLayouts(header, fileSize, options.maxChunkBytes ?? 0, check)) {
    const name = layout.variable.name;
    const key = `${name}/.zarray`;
    refs.metadata.set(key, zarray(key, layout, fillValue(layout.variable, useDefault)));
    const attrs = attributesJson(layout.variable.attributes, FILL_ATTRIBUTES);
    attrs._ARRAY_DIMENSIONS = layout.dimensions;
    refs.metadata.set(`${name}/.zattrs`, attrs);
    refs.arrays.set(name, await chunkTable(cached, url, layout, fileSize, options));
  }
  return { refs, issues: [] };
}
