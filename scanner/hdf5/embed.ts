import { pythonFloat } from "../../refs/formats/index.js";
import { ChunkTable, type JsonObject, type JsonValue, type ReferenceSet } from "../../refs/model/index.js";
import { UnsupportedFeatureError } from "../errors.js";
import { gridOf } from "./chunk-index/types.js";
import { numpyDtype } from "./dtype.js";
import { filtersToCodecs } from "./filters.js";
import { encodeJsonChunk, JSON_CODEC, rawPieces, shuffleEncode, zlibEncode } from "./json-embed.js";
import type { Datatype } from "./messages/datatype.js";
import type { DatasetInput } from "./to-zarr.js";
import { zarray } from "./to-zarr.js";
import { fixedAt, hasVlen, nest } from "./values.js";

/** Most values embedded for one dataset (kerchunk embeds them all into the JSON references). */
const MAX_EMBEDDED = 10_000_000;

/**
 * A compound type kerchunk can embed sensibly: every member a plain number or string (no nested compounds,
 * arrays or variable-length sequences, whose numpy object arrays kerchunk mangles).
 */
export function isPlainCompound(t: Datatype): boolean {
  if (t.kind !== "compound" || numpyDtype(t) !== undefined) return false;
  return t.members.every((m) => {
    const k = m.type.kind;
    return (
      k === "int" ||
      k === "float" ||
      k === "string" ||
      k === "enum" ||
      k === "bitfield" ||
      (k === "vlen" && m.type.string)
    );
  });
}

/**
 * Values read now and embedded as JSON chunks, as kerchunk does (vlen_encode="embed"): variable-length strings
 * ("strings", dataset shape), variable-length sequences of numbers ("sequences", as JSON lists) and compound records ("records", shape plus one dimension of members). Chunking
 * follows the dataset's; kerchunk keeps shuffle (records only) and deflate after the JSON codec and applies them.
 */
export async function embedObjects(
  input: DatasetInput,
  refs: ReferenceSet,
  zattrs: JsonObject,
  kind: "strings" | "sequences" | "records",
): Promise<void> {
  const { info, path, file } = input;
  const object = `/${path}`;
  const shape = info.space.shape;
  const count = shape.reduce((a, b) => a * b, 1);
  if (count > MAX_EMBEDDED) {
    throw new UnsupportedFeatureError(
      file.url,
      object,
      `${count} values to embed (more than ${MAX_EMBEDDED})`,
    );
  }
  const mapping = filtersToCodecs(info.filters, info.type.size);
  if ("unsupported" in mapping)
    throw new UnsupportedFeatureError(file.url, object, mapping.unsupported, {
      offset: info.offsets.filters,
    });
  const chunks = info.layout.kind === "chunked" ? info.layout.chunk : [...shape];
  const t = info.type;
  const members = t.kind === "compound" ? t.members : [];
  // Elements never written read as the fill value (zeros by default), as h5py gives them to kerchunk.
  const fillRecord =
    kind === "records"
      ? await input.decoder.one(t, fillBytes(info.fill.value, t.size), object, "empty")
      : kind === "sequences"
        ? []
        : "";
  const values = Array.from(
    { length: count },
    (): JsonValue => (Array.isArray(fillRecord) ? [...fillRecord] : fillRecord),
  );
  const fixed = !hasVlen(t);
  for (const piece of await rawPieces(file, info, mapping.codecs, object)) {
    const n = Math.min(
      chunks.reduce((a, b) => a * b, 1),
      Math.floor(piece.bytes.length / t.size),
    );
    const view = new DataView(piece.bytes.buffer, piece.bytes.byteOffset, piece.bytes.byteLength);
    for (let i = 0; i < n; i++) {
      const at = datasetIndex(piece.coords, chunks, shape, i);
      // Only elements inside the dataset: edge chunks of huge chunk shapes are mostly padding.
      if (at < 0) continue;
      values[at] = fixed
        ? fixedAt(t, view, i * t.size)
        : await input.decoder.one(t, piece.bytes.subarray(i * t.size, (i + 1) * t.size), object);
    }
  }
  if (kind === "records") {
    const records = values as JsonValue[][];
    const floatMember = members.map((m) => m.type.kind === "float");
    const anyString = records.some((r) => r.some((v) => typeof v === "string"));
    for (const r of records) {
      r.forEach((v, i) => {
        if (typeof v !== "number") return;
        if (anyString) r[i] = floatMember[i] ? pythonFloat(v) : String(v);
      });
    }
  }
  const zlib = mapping.codecs.find((c) => c.id === "zlib");
  const shuffle = kind === "records" ? mapping.codecs.find((c) => c.id === "shuffle") : undefined;
  const filters: JsonValue[] = [JSON_CODEC, ...(shuffle ? [shuffle] : []), ...(zlib ? [zlib] : [])];
  const extra = kind === "records" ? [members.length] : [];
  const outShape = [...shape, ...extra];
  const outChunks = [...chunks, ...extra];
  refs.metadata.set(`${path}/.zarray`, zarray(outShape, outChunks, "|O", null, filters));
  // Records are embedded with their members as a last axis: name it, so the dimension names match the rank
  // (kerchunk leaves it unnamed, and xarray then refuses to open the whole dataset).
  if (kind === "records" && Array.isArray(zattrs._ARRAY_DIMENSIONS))
    zattrs._ARRAY_DIMENSIONS = [...zattrs._ARRAY_DIMENSIONS, `${path.split("/").at(-1)}_members`];
  refs.metadata.set(`${path}/.zattrs`, zattrs);
  const table = new ChunkTable(
    gridOf(
      outShape,
      outChunks.map((c) => Math.max(1, c)),
    ),
  );
  const perChunk = chunks.reduce((a, b) => a * b, 1);
  for (let flat = 0; flat < table.count; flat++) {
    const coords = table.coords(flat).slice(0, shape.length);
    const chunkValues: JsonValue[] = [];
    for (let i = 0; i < perChunk; i++) {
      const at = datasetIndex(coords, chunks, shape, i);
      chunkValues.push(
        at >= 0 ? (values[at] as JsonValue) : kind === "records" ? members.map(() => null) : null,
      );
    }
    const data = shape.length === 0 ? (values[0] ?? "") : nest(chunkValues, chunks);
    let bytes = encodeJsonChunk(data, outChunks);
    if (shuffle) bytes = shuffleEncode(bytes, Number(shuffle.elementsize));
    if (zlib) bytes = zlibEncode(bytes, Number(zlib.level));
    table.set(flat, { kind: "inline", data: bytes });
  }
  refs.arrays.set(path, table);
}

function fillBytes(fill: Uint8Array | undefined, size: number): Uint8Array {
  return fill && fill.length >= size ? fill : new Uint8Array(size);
}

/** C-order index in the dataset of element `i` of chunk `coords`, or -1 when it falls beyond the edge. */
function datasetIndex(
  coords: readonly number[],
  chunks: readonly number[],
  shape: readonly number[],
  i: number,
): number {
  let rest = i;
  const pos = new Array<number>(chunks.length);
  for (let d = chunks.length - 1; d >= 0; d--) {
    const c = chunks[d] as number;
    pos[d] = (coords[d] as number) * c + (rest % c);
    rest = Math.floor(rest / c);
  }
  let index = 0;
  for (let d = 0; d < chunks.length; d++) {
    const p = pos[d] as number;
    if (p >= (shape[d] as number)) return -1;
    index = index * (shape[d] as number) + p;
  }
  return index;
}
