import {
  ChunkTable,
  type JsonObject,
  type JsonValue,
  type ReferenceSet,
} from "../../refs/model/reference-set.js";
import { UnsupportedFeatureError } from "../errors.js";
import { listChunks } from "./chunk-index/index.js";
import { type ChunkIndexContext, gridOf } from "./chunk-index/types.js";
import type { DatasetInfo } from "./dataset.js";
import { describeType, numpyDtype } from "./dtype.js";
import type { HdfFile } from "./file.js";
import { kerchunkFill } from "./fill-value.js";
import { filtersToCodecs } from "./filters.js";
import { encodeJsonChunk, JSON_CODEC, rawDatasetBytes } from "./json-embed.js";
import type { RawAttribute } from "./messages/attribute.js";
import { nest, type ValueDecoder } from "./values.js";

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
  readBytes: (offset: number, length: number) => Promise<Uint8Array>;
}

/** A dataset as kerchunk writes it: .zarray, .zattrs and the chunk references. Throws UnsupportedFeatureError. */
export async function datasetToZarr(input: DatasetInput, refs: ReferenceSet): Promise<void> {
  const { info, path, file } = input;
  const object = `/${path}`;
  const shape = info.space.shape;
  const t = info.type;
  const zattrs = { ...input.zattrs, _ARRAY_DIMENSIONS: input.dims };
  if (info.external) throw new UnsupportedFeatureError(file.url, object, "external raw data storage");
  if (info.layout.kind === "virtual")
    throw new UnsupportedFeatureError(file.url, object, "virtual dataset layout");
  if (t.kind === "vlen" && t.string) return embedStrings(input, refs, zattrs);
  const dtype = numpyDtype(t);
  if (dtype === undefined) throw new UnsupportedFeatureError(file.url, object, `${describeType(t)} datatype`);
  const layout = info.layout;
  if (layout.kind === "compact") {
    const chunks = [...shape];
    refs.metadata.set(`${path}/.zarray`, zarray(shape, chunks, dtype, null, null));
    refs.metadata.set(`${path}/.zattrs`, zattrs);
    const table = new ChunkTable(
      gridOf(
        shape,
        chunks.map((c) => Math.max(1, c)),
      ),
    );
    const n = shape.reduce((a, b) => a * b, 1) * t.size;
    if (table.count > 0) table.set(0, { kind: "inline", data: layout.data.slice(0, n) });
    refs.arrays.set(path, table);
    return;
  }
  const mapping = filtersToCodecs(info.filters, t.size);
  if ("unsupported" in mapping) throw new UnsupportedFeatureError(file.url, object, mapping.unsupported);
  const units = input.attrs.find((a) => a.name === "units");
  const unitsText = units ? String(await input.decoder.one(units.type, units.data, object)) : undefined;
  const fill = kerchunkFill(t, info.fill.value, input.attrs, unitsText);
  const chunks = layout.kind === "chunked" ? layout.chunk : [...shape];
  const filters = mapping.codecs.length > 0 ? mapping.codecs : null;
  refs.metadata.set(`${path}/.zarray`, zarray(shape, chunks, dtype, fill, filters));
  refs.metadata.set(`${path}/.zattrs`, zattrs);
  const table = new ChunkTable(
    gridOf(
      shape,
      chunks.map((c) => Math.max(1, c)),
    ),
  );
  refs.arrays.set(path, table);
  if (layout.kind === "contiguous") {
    if (layout.address >= 0 && table.count > 0)
      await setChunk(input, table, 0, file.fileOffset(layout.address), layout.size);
    return;
  }
  const ctx: ChunkIndexContext = {
    file,
    object,
    address: layout.address,
    index: layout.index,
    shape,
    maxShape: info.space.maxShape.map((m) => (m === -1 ? -1 : m)),
    chunk: layout.chunk,
    elementSize: layout.elementSize,
    filtered: info.filters.length > 0,
  };
  const stored = await listChunks(ctx);
  for (const c of stored) {
    if (c.filterMask !== 0) {
      throw new UnsupportedFeatureError(
        file.url,
        object,
        `chunk ${c.coords.join(".")} stored with filters skipped (filter mask ${c.filterMask})`,
      );
    }
    await setChunk(input, table, table.flatIndex(c.coords), file.fileOffset(c.address), c.size);
  }
}

async function setChunk(
  input: DatasetInput,
  table: ChunkTable,
  flat: number,
  offset: number,
  length: number,
): Promise<void> {
  if (length < input.inlineThreshold) {
    table.set(flat, { kind: "inline", data: (await input.readBytes(offset, length)).slice() });
  } else table.set(flat, { kind: "range", url: input.url, offset, length });
}

function zarray(
  shape: number[],
  chunks: number[],
  dtype: string,
  fill: JsonValue,
  filters: JsonValue,
): JsonObject {
  return { chunks, compressor: null, dtype, fill_value: fill, filters, order: "C", shape, zarr_format: 2 };
}

/** Variable-length strings: values read now and embedded as JSON chunks (kerchunk's vlen_encode="embed"). */
async function embedStrings(input: DatasetInput, refs: ReferenceSet, zattrs: JsonObject): Promise<void> {
  const { info, path, file } = input;
  const object = `/${path}`;
  const shape = info.space.shape;
  const count = shape.reduce((a, b) => a * b, 1);
  const raw = await rawDatasetBytes(file, info, count, object);
  const values = raw
    ? await input.decoder.decode(info.type, raw, count, object)
    : new Array<JsonValue>(count).fill("");
  refs.metadata.set(`${path}/.zarray`, zarray(shape, [...shape], "|O", null, [JSON_CODEC]));
  refs.metadata.set(`${path}/.zattrs`, zattrs);
  const table = new ChunkTable(shape.map(() => 1));
  const data = shape.length === 0 ? (values[0] ?? "") : nest(values, shape);
  table.set(0, { kind: "inline", data: encodeJsonChunk(data, shape) });
  refs.arrays.set(path, table);
}
