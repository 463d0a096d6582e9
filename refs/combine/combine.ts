/**
 * Combine per-file reference sets into one, the equivalent of kerchunk's MultiZarrToZarr: arrays are
 * concatenated along one or more dimensions by shifting chunk references (never reading chunk data), the concat
 * coordinates are written inline, arrays that do not vary are taken from the first file.
 */
import { ChunkTable, type JsonObject, metaKey, type ReferenceSet } from "../model/index.js";
import { arrayDims, baseName, dimensionNames } from "./array-dims.js";
import type { CfTime } from "./cf-time.js";
import { coordinateArray } from "./coordinate-array.js";
import { type DimCoordinates, dimCoordinates, type Values } from "./coordinates.js";
import { copyChunks } from "./copy-chunks.js";
import { CombineError } from "./errors.js";
import { checkIdentical } from "./identical.js";
import { arrayLayout, arrayParts } from "./layout.js";
import type { CombineInput, CombineOptions } from "./options.js";
import { type FilePacking, perFileEncodings } from "./per-file-encodings.js";
import { type Placement, place } from "./placement.js";

export interface CombineResult {
  refs: ReferenceSet;
  /** Input URLs in combined order. */
  order: string[];
  concatDims: string[];
  /** The combined coordinate of each concat dimension. */
  coordinates: Record<string, Values>;
  /** Per concat dimension holding CF times: the encoding written and the files whose values were re-encoded. */
  time: Record<string, { units: string; calendar: string; reencoded: string[] }>;
  /** Arrays concatenated, and arrays copied once from the first file that has them. */
  concatenated: string[];
  copied: string[];
  /**
   * Arrays whose files pack them with different scale_factor/add_offset, with each file's coefficients: carried
   * per file as `<array>_scale_factor` / `<array>_add_offset` (refs/model/per-file-packing.ts).
   */
  packing: Record<string, FilePacking[]>;
  /** Arrays other than the concat coordinates whose CF times were re-encoded (e.g. time bounds), written inline. */
  reencoded: string[];
  /** Per array, the files lacking it: its chunks there read as the fill value. */
  missing: Record<string, string[]>;
  /**
   * Per input URL, its [start, stop) along each concat dimension in the combined arrays: where a file's values
   * lie, which chunk URLs cannot tell once small chunks are inlined (validation compares by it).
   */
  regions: Record<string, Record<string, [number, number]>>;
}

function checkOptions(inputs: readonly CombineInput[], options: CombineOptions): void {
  if (inputs.length === 0) throw new CombineError("nothing to combine: no inputs");
  if (options.concatDims.length === 0) throw new CombineError("no concat dimensions given");
  const both = options.concatDims.filter((d) => options.identicalDims?.includes(d));
  if (both.length > 0) {
    throw new CombineError(`dimensions ${both.join(", ")} cannot be both concatenated and identical`);
  }
}

/** Metadata keys and array paths of every input, in first-seen order over the ordered inputs. */
function allKeys(ordered: readonly CombineInput[]): { meta: string[]; arrays: string[] } {
  const meta = new Set<string>();
  const arrays = new Set<string>();
  for (const input of ordered) {
    for (const key of input.refs.metadata.keys()) meta.add(key);
    for (const path of input.refs.arrays.keys()) arrays.add(path);
  }
  return { meta: [...meta], arrays: [...arrays] };
}

type Kind = "coordinate" | "identical" | "static" | "concat";

function kindOf(path: string, ordered: readonly CombineInput[], options: CombineOptions): Kind {
  if (options.concatDims.includes(path)) return "coordinate";
  if (options.identicalDims?.includes(path)) return "identical";
  const holder = ordered.find((i) => i.refs.arrays.has(path)) as CombineInput;
  const dims = arrayDims(holder.refs, path);
  // Coordinates of other dimensions do not vary along the concat dims: kerchunk copies them from the first file.
  const varies = dims.some((d) => options.concatDims.includes(d));
  if (!varies && dimensionNames(holder.refs).has(baseName(path))) return "static";
  return "concat";
}

function writeCoordinates(
  out: ReferenceSet,
  ordered: readonly CombineInput[],
  dims: DimCoordinates[],
  placement: Placement,
): void {
  dims.forEach((dim, d) => {
    const path = dim.source.from === "data" ? (dim.source.array ?? dim.dim) : dim.dim;
    const holder = ordered.find((i) => i.refs.metadata.has(metaKey(path, ".zarray")));
    const source = holder && {
      zarray: holder.refs.metadata.get(metaKey(path, ".zarray")) as JsonObject,
      zattrs: holder.refs.metadata.get(metaKey(path, ".zattrs")) ?? {},
    };
    const rewrite = dim.reencoded.length > 0 || dim.source.from !== "data";
    const c = coordinateArray(dim.dim, placement.coordinates[d] as Values, source, dim.time, rewrite);
    out.metadata.set(metaKey(dim.dim, ".zarray"), c.zarray);
    out.metadata.set(metaKey(dim.dim, ".zattrs"), c.zattrs);
    out.arrays.set(dim.dim, c.table);
  });
}

/**
 * Combine per-file reference sets along `options.concatDims`. Inputs may come in any order: they are placed by
 * their concat coordinate values. Errors name the files and arrays concerned.
 */
export async function combineReferenceSets(
  inputs: readonly CombineInput[],
  options: CombineOptions,
): Promise<CombineResult> {
  checkOptions(inputs, options);
  const dims: DimCoordinates[] = [];
  for (const dim of options.concatDims) dims.push(await dimCoordinates(inputs, dim, options));
  return assemble(inputs, options, dims);
}

/** The combined set from inputs whose coordinates along every concat dimension are known. */
export async function assemble(
  inputs: readonly CombineInput[],
  options: CombineOptions,
  dims: DimCoordinates[],
): Promise<CombineResult> {
  const concatDims = [...options.concatDims];
  const placement = place(inputs, dims);
  const ordered = placement.order.map((i) => inputs[i] as CombineInput);
  const out: ReferenceSet = { metadata: new Map(), arrays: new Map() };
  const firstRoot = ordered.find((i) => i.refs.metadata.has(".zgroup"));
  out.metadata.set(".zgroup", firstRoot?.refs.metadata.get(".zgroup") ?? { zarr_format: 2 });
  const rootAttrs = ordered.find((i) => i.refs.metadata.has(".zattrs"));
  if (rootAttrs) out.metadata.set(".zattrs", rootAttrs.refs.metadata.get(".zattrs") as JsonObject);
  writeCoordinates(out, ordered, dims, placement);

  const result: CombineResult = {
    refs: out,
    order: ordered.map((i) => i.url),
    concatDims,
    coordinates: Object.fromEntries(concatDims.map((d, k) => [d, placement.coordinates[k] as Values])),
    time: {},
    concatenated: [],
    copied: [],
    packing: {},
    reencoded: [],
    missing: {},
    regions: Object.fromEntries(
      inputs.map((input, i) => [
        input.url,
        Object.fromEntries(
          concatDims.map((d, k) => {
            const start = placement.starts[i]?.[k] as number;
            return [d, [start, start + (placement.lengths[i]?.[k] as number)]];
          }),
        ),
      ]),
    ),
  };
  const timeDims = new Map<string, { time: CfTime; coordinate: string }>();
  for (const dim of dims) {
    if (dim.time) {
      result.time[dim.dim] = { units: dim.time.units, calendar: dim.time.calendar, reencoded: dim.reencoded };
      const coordinate = dim.source.from === "data" ? (dim.source.array ?? dim.dim) : dim.dim;
      timeDims.set(dim.dim, { time: dim.time, coordinate });
    }
  }
  const keys = allKeys(ordered);
  const handled = new Set<string>(out.metadata.keys());
  for (const path of keys.arrays) {
    const kind = kindOf(path, ordered, options);
    if (kind === "coordinate") continue;
    const holders = ordered.filter((i) => i.refs.arrays.has(path));
    if (holders.length < ordered.length) {
      result.missing[path] = ordered.filter((i) => !i.refs.arrays.has(path)).map((i) => i.url);
    }
    const zarrayKey = metaKey(path, ".zarray");
    const zattrsKey = metaKey(path, ".zattrs");
    handled.add(zarrayKey).add(zattrsKey);
    if (kind === "concat") {
      const parts = arrayParts(path, inputs, placement.order, concatDims);
      const layout = arrayLayout(path, inputs, parts, concatDims, placement);
      const context = { path, inputs, parts, layout, concatDims, placement, options, timeDims };
      const encodings = await perFileEncodings(context);
      if (encodings.replaced) {
        out.metadata.set(zarrayKey, encodings.replaced.zarray);
        out.arrays.set(path, encodings.replaced.table);
        result.reencoded.push(path);
      } else {
        const grid = layout.shape.map((n, k) => Math.ceil(n / (layout.chunks[k] as number)));
        const table = new ChunkTable(grid);
        parts.forEach((part, j) => {
          for (const shift of layout.shifts[j] as number[][]) copyChunks(part.table, table, shift);
        });
        out.metadata.set(zarrayKey, layout.zarray);
        out.arrays.set(path, table);
      }
      out.metadata.set(zattrsKey, encodings.zattrs);
      for (const [extra, array] of encodings.extra) {
        out.metadata.set(metaKey(extra, ".zarray"), array.zarray);
        out.metadata.set(metaKey(extra, ".zattrs"), array.zattrs);
        out.arrays.set(extra, array.table);
      }
      if (encodings.packing) result.packing[path] = encodings.packing;
      result.concatenated.push(path);
      continue;
    }
    if (kind === "identical") await checkIdentical(path, ordered, options.readCoordinate);
    const first = holders[0] as CombineInput;
    out.metadata.set(zarrayKey, first.refs.metadata.get(zarrayKey) as JsonObject);
    const zattrs = first.refs.metadata.get(zattrsKey);
    if (zattrs) out.metadata.set(zattrsKey, zattrs);
    out.arrays.set(path, first.refs.arrays.get(path) as ChunkTable);
    result.copied.push(path);
  }
  // Group documents and anything else: from the first file that has them.
  for (const key of keys.meta) {
    if (handled.has(key)) continue;
    const holder = ordered.find((i) => i.refs.metadata.has(key)) as CombineInput;
    out.metadata.set(key, holder.refs.metadata.get(key) as JsonObject);
  }
  return result;
}
