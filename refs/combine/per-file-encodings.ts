/**
 * Encodings that differ between the files of a concatenated array, found from each file's attributes:
 * - packing (scale_factor / add_offset): carried per file as coefficient variables (see
 *   refs/model/per-file-packing.ts), or refused when the caller asks for that;
 * - missing-value attributes (_FillValue, missing_value, valid_*, _Unsigned) and units of other quantities: refused,
 *   since one array has one set of attributes and neither file's is right for the other's values;
 * - CF time units/calendars of time-like arrays (a time coordinate's bounds, other "<unit> since <date>" arrays):
 *   values read, re-encoded into the combined encoding and written inline.
 * Nothing is ever taken from the first file for all when the files disagree.
 */

import {
  ADD_OFFSET_VARIABLE,
  type JsonObject,
  type JsonValue,
  SCALE_FACTOR_VARIABLE,
} from "../model/index.js";
import { baseName, zattrsOf } from "./array-dims.js";
import {
  type CfTime,
  convertTime,
  decodeTime,
  formatDateTime,
  parseCfTime,
  sameEncoding,
} from "./cf-time.js";
import {
  ArrayMismatchError,
  CombineError,
  type FileValue,
  PackingMismatchError,
  TimeEncodingError,
} from "./errors.js";
import { forEachInBox, type InlineArray, inlineArray, MAX_INLINE_ELEMENTS, partBox } from "./inline-array.js";
import type { ArrayLayout, ArrayPart } from "./layout.js";
import type { CombineInput, CombineOptions } from "./options.js";
import type { Placement } from "./placement.js";
import { readValues } from "./read-values.js";

export interface EncodingContext {
  path: string;
  inputs: readonly CombineInput[];
  parts: ArrayPart[];
  layout: ArrayLayout;
  concatDims: readonly string[];
  placement: Placement;
  options: CombineOptions;
  /** Per concat dimension holding CF times: the combined encoding and its coordinate's array path. */
  timeDims: ReadonlyMap<string, { time: CfTime; coordinate: string }>;
}

/** One file's packing of a variable, as the combine reports it. */
export interface FilePacking {
  url: string;
  scaleFactor: number | null;
  addOffset: number | null;
}

export interface EncodingOutcome {
  /** The combined array's attributes (changed when packing is carried per file or times were re-encoded). */
  zattrs: JsonObject;
  /** Arrays to add next to it (per-file coefficients). */
  extra: Map<string, InlineArray>;
  /** The array itself, computed (re-encoded times) instead of referenced. */
  replaced?: InlineArray;
  /** Set when packing differs between files and is carried per file. */
  packing?: FilePacking[];
  /** Set when time values were re-encoded: the combined units and calendar. */
  reencodedTime?: { units: string; calendar: string };
}

/** CF attributes that say which raw values are missing: one value per array, so files must agree. */
export const CF_MISSING_ATTRIBUTES = [
  "_FillValue",
  "missing_value",
  "valid_min",
  "valid_max",
  "valid_range",
  "_Unsigned",
];

function canonical(value: JsonValue | undefined): string {
  return value === undefined ? "(none)" : JSON.stringify(value);
}

function number(value: JsonValue | undefined): number | null {
  const v = Array.isArray(value) ? value[0] : value;
  const n = typeof v === "string" ? Number(v) : v;
  return typeof n === "number" && Number.isFinite(n) ? n : null;
}

function attrsOf(ctx: EncodingContext, part: ArrayPart): JsonObject {
  return zattrsOf((ctx.inputs[part.input] as CombineInput).refs, ctx.path);
}

/** Throws ArrayMismatchError naming each file whose value of `field` differs from the first file's. */
function requireSameAttribute(ctx: EncodingContext, field: string, get: (a: JsonObject) => string): void {
  const values = ctx.parts.map((p) => get(attrsOf(ctx, p)));
  const differing = values.map((_, j) => j).filter((j) => values[j] !== values[0]);
  if (differing.length === 0) return;
  const files: FileValue[] = [0, ...differing].map((j) => ({
    url: (ctx.parts[j] as ArrayPart).url,
    value: values[j] as string,
  }));
  throw new ArrayMismatchError(ctx.path, `attribute ${field}`, files);
}

export async function perFileEncodings(ctx: EncodingContext): Promise<EncodingOutcome> {
  const outcome: EncodingOutcome = { zattrs: { ...ctx.layout.zattrs }, extra: new Map() };
  for (const field of CF_MISSING_ATTRIBUTES) requireSameAttribute(ctx, field, (a) => canonical(a[field]));
  const time = await timeEncoding(ctx, outcome);
  if (!time) requireSameAttribute(ctx, "units", (a) => canonical(a.units));
  carryPacking(ctx, outcome);
  return outcome;
}

/** The CF time encoding of one file's values of the array, or undefined when they are not times. */
function partTime(ctx: EncodingContext, part: ArrayPart, boundsOf: string | undefined): CfTime | undefined {
  const attrs = attrsOf(ctx, part);
  let units = typeof attrs.units === "string" ? attrs.units : undefined;
  let calendar = typeof attrs.calendar === "string" ? attrs.calendar : undefined;
  if (boundsOf && !units) {
    // CF: bounds without units of their own are in their coordinate's units and calendar.
    const refs = (ctx.inputs[part.input] as CombineInput).refs;
    const parent = zattrsOf(refs, (ctx.timeDims.get(boundsOf) as { coordinate: string }).coordinate);
    units = typeof parent.units === "string" ? parent.units : undefined;
    calendar = typeof parent.calendar === "string" ? parent.calendar : undefined;
  }
  if (!units || !/\ssince\s/i.test(units)) return undefined;
  const parsed = parseCfTime(units, calendar);
  if (typeof parsed === "string") throw new TimeEncodingError(part.url, ctx.path, undefined, parsed);
  return parsed;
}

/** The concat dimension whose time coordinate names this array as its bounds, in any file. */
function boundsDimension(ctx: EncodingContext): string | undefined {
  for (const [dim, { coordinate }] of ctx.timeDims) {
    for (const input of ctx.inputs) {
      if (zattrsOf(input.refs, coordinate).bounds === baseName(ctx.path)) return dim;
    }
  }
  return undefined;
}

/** Re-encode a time-like array whose files' encodings differ from the combined one; undefined if not time-like. */
async function timeEncoding(ctx: EncodingContext, outcome: EncodingOutcome): Promise<CfTime | undefined> {
  const bounds = boundsDimension(ctx);
  const times = ctx.parts.map((p) => partTime(ctx, p, bounds));
  const first = times.findIndex((t) => t !== undefined);
  if (first < 0) return undefined;
  const without = times.indexOf(undefined);
  if (without >= 0) {
    const part = ctx.parts[without] as ArrayPart;
    throw new TimeEncodingError(
      part.url,
      ctx.path,
      undefined,
      "no CF time units here, other files have them",
    );
  }
  const target = bounds ? (ctx.timeDims.get(bounds) as { time: CfTime }).time : (times[first] as CfTime);
  if (times.every((t) => sameEncoding(t as CfTime, target))) return target;

  const total = ctx.layout.shape.reduce((a, b) => a * b, 1);
  if (total > MAX_INLINE_ELEMENTS) {
    const detail =
      `files encode "${ctx.path}" differently and its ${total} values are too many to re-encode inline ` +
      `(at most ${MAX_INLINE_ELEMENTS}); give every file the same units and calendar`;
    throw new TimeEncodingError(ctx.parts[0]?.url ?? "", ctx.path, undefined, detail);
  }
  const values = new Array<number>(total).fill(Number.NaN);
  for (const [j, part] of ctx.parts.entries()) {
    const from = times[j] as CfTime;
    const input = ctx.inputs[part.input] as CombineInput;
    let raw: number[];
    try {
      raw = (await readValues(part.url, input.refs, ctx.path, ctx.options.readCoordinate)) as number[];
    } catch (error) {
      const detail = `reading its values to re-encode them: ${(error as Error).message}`;
      throw new TimeEncodingError(part.url, ctx.path, undefined, detail, { cause: error });
    }
    // Missing values stay missing: NaN, the declared fill or missing value, or a non-zero Zarr fill_value (a
    // netCDF default fill); a zero fill_value is HDF5's default and says nothing (0 is a valid time).
    const attrs = attrsOf(ctx, part);
    const zarrFill = number(part.zarray.fill_value);
    const missing = new Set(
      [number(attrs._FillValue), number(attrs.missing_value), zarrFill === 0 ? null : zarrFill].filter(
        (v): v is number => v !== null,
      ),
    );
    const box = partBox(part, ctx.layout.dims, ctx.layout.shape, ctx.concatDims, ctx.placement);
    forEachInBox(box, ctx.layout.shape, (flat, local) => {
      const v = raw[local % raw.length] as number;
      values[flat] =
        Number.isNaN(v) || missing.has(v) ? Number.NaN : reencode(v, from, target, part.url, ctx.path);
    });
  }
  const attrs: JsonObject = { ...outcome.zattrs };
  if (typeof attrs.units === "string") {
    attrs.units = target.units;
    attrs.calendar = target.calendar;
  }
  const { _ARRAY_DIMENSIONS: _, ...rest } = attrs;
  // Missing times are NaN; a fill_value of the source (often HDF5's default 0) would hide real times of 0.
  const fill = values.some(Number.isNaN) ? "NaN" : null;
  outcome.replaced = inlineArray(values, ctx.layout.shape, ctx.layout.dims, rest, ctx.layout.zarray, fill);
  outcome.zattrs = outcome.replaced.zattrs;
  outcome.reencodedTime = { units: target.units, calendar: target.calendar };
  return target;
}

function reencode(v: number, from: CfTime, to: CfTime, url: string, path: string): number {
  if (sameEncoding(from, to)) return v;
  try {
    return convertTime(v, from, to);
  } catch (error) {
    const date = formatDateTime(decodeTime(v, from));
    const detail = `${date} (${from.units}, ${from.calendar}) cannot be written in ${to.units} (${to.calendar})`;
    throw new TimeEncodingError(url, path, v, `${detail}: ${(error as Error).message}`, { cause: error });
  }
}

/** Carry scale_factor/add_offset per file when the files' differ (or refuse, when the options say so). */
function carryPacking(ctx: EncodingContext, outcome: EncodingOutcome): void {
  const packs: FilePacking[] = ctx.parts.map((p) => {
    const a = attrsOf(ctx, p);
    return { url: p.url, scaleFactor: number(a.scale_factor), addOffset: number(a.add_offset) };
  });
  const key = (f: FilePacking) => `${f.scaleFactor}/${f.addOffset}`;
  if (packs.every((f) => key(f) === key(packs[0] as FilePacking))) return;
  if (ctx.options.packing === "refuse") throw new PackingMismatchError(ctx.path, packs);
  const dims = ctx.layout.dims.filter((d) => ctx.concatDims.includes(d));
  const shape = dims.map((d) => ctx.layout.shape[ctx.layout.dims.indexOf(d)] as number);
  const base = baseName(ctx.path);
  const names = { scale: `${base}_scale_factor`, offset: `${base}_add_offset` };
  const group = ctx.path.slice(0, ctx.path.length - base.length);
  for (const name of Object.values(names)) {
    if (ctx.inputs.some((i) => i.refs.arrays.has(`${group}${name}`))) {
      throw new CombineError(
        `array "${ctx.path}": its files pack it with different scale_factor/add_offset, and the array ` +
          `"${group}${name}" that would carry them per file already exists`,
      );
    }
  }
  const scale = new Array<number>(shape.reduce((a, b) => a * b, 1)).fill(Number.NaN);
  const offset = [...scale];
  ctx.parts.forEach((part, j) => {
    const full = partBox(part, ctx.layout.dims, ctx.layout.shape, ctx.concatDims, ctx.placement);
    const box = dims.map((d) => full[ctx.layout.dims.indexOf(d)] as [number, number]);
    const f = packs[j] as FilePacking;
    forEachInBox(box, shape, (flat) => {
      scale[flat] = f.scaleFactor ?? 1;
      offset[flat] = f.addOffset ?? 0;
    });
  });
  const note = (what: string) => ({
    long_name: `${what} of ${base} in each source file`,
    comment: `decode ${base} as ${base} * ${names.scale} + ${names.offset}`,
  });
  const f8 = { dtype: "<f8" };
  outcome.extra.set(`${group}${names.scale}`, inlineArray(scale, shape, dims, note("scale_factor"), f8));
  outcome.extra.set(`${group}${names.offset}`, inlineArray(offset, shape, dims, note("add_offset"), f8));
  const { scale_factor: _s, add_offset: _o, ...attrs } = outcome.zattrs;
  outcome.zattrs = { ...attrs, [SCALE_FACTOR_VARIABLE]: names.scale, [ADD_OFFSET_VARIABLE]: names.offset };
  outcome.packing = packs;
}
