/**
 * Values as xarray shows them, not only as stored: a combined set can hold every raw byte right and still decode
 * wrongly (one file's scale_factor applied to all, times re-encoded into other units). Ours are decoded with the
 * combined set's attributes and per-file coefficients, the file's with its own attributes, read by the independent
 * reader; times are compared as instants (the file's values brought into the combined encoding).
 */
import {
  type ArrayInfo,
  type ArrayReader,
  arrayInfo,
  cfDecoder,
  type Decoder,
  decoderAt,
  perFileDecoders,
} from "../../compute/index.js";
import {
  CF_MISSING_ATTRIBUTES,
  type CfTime,
  convertTime,
  parseCfTime,
  sameEncoding,
} from "../../refs/combine/index.js";
import type { JsonObject, JsonValue, ReferenceSet } from "../../refs/model/index.js";
import { type OpenSource, readArray } from "../../refs/store/index.js";
import { compareValues, describeComparison } from "./compare.js";

export interface DecodedVerdict {
  equal: boolean;
  detail: string;
}

const CF_ATTRIBUTES = ["scale_factor", "add_offset", ...CF_MISSING_ATTRIBUTES];

function baseName(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}

function cfTime(attrs: JsonObject | undefined): CfTime | undefined {
  const units = attrs?.units;
  if (typeof units !== "string" || !/\ssince\s/i.test(units)) return undefined;
  const parsed = parseCfTime(units, typeof attrs?.calendar === "string" ? attrs.calendar : undefined);
  return typeof parsed === "string" ? undefined : parsed;
}

/** The coordinate whose `bounds` attribute names `path` (bounds inherit its units), if any. */
export function boundsParent(refs: ReferenceSet, path: string): string | undefined {
  for (const [key, attrs] of refs.metadata) {
    if (key.endsWith(".zattrs") && attrs.bounds === baseName(path)) return key.slice(0, -"/.zattrs".length);
  }
  return undefined;
}

/** The CF time encoding of an array in the references (own units, or its coordinate's for bounds). */
export function oursTime(refs: ReferenceSet, path: string): CfTime | undefined {
  const own = refs.metadata.get(`${path}/.zattrs`);
  if (typeof own?.units === "string") return cfTime(own);
  const parent = boundsParent(refs, path);
  return parent ? cfTime(refs.metadata.get(`${parent}/.zattrs`)) : undefined;
}

/** Compare times as instants: the file's values moved into our encoding. */
export function compareTimes(
  ours: ArrayLike<unknown>,
  theirs: ArrayLike<unknown>,
  to: CfTime,
  from: CfTime,
): DecodedVerdict {
  const moved = Array.from(theirs, (v) => {
    const n = Number(v);
    if (!Number.isFinite(n) || sameEncoding(from, to)) return n;
    try {
      return convertTime(n, from, to);
    } catch {
      return Number.NaN;
    }
  });
  const oursNumbers = Array.from(ours, Number);
  const c = compareValues(oursNumbers, moved);
  const how = sameEncoding(from, to)
    ? ""
    : ` (the file's ${from.units}, ${from.calendar} as ${to.units}, ${to.calendar})`;
  return { equal: c.equal, detail: `times: ${describeComparison(c, oursNumbers.length)}${how}` };
}

export function theirTime(
  attrs: JsonObject | undefined,
  parentAttrs: JsonObject | undefined,
): CfTime | undefined {
  return cfTime(typeof attrs?.units === "string" ? attrs : parentAttrs);
}

/** True when decoding changes anything: CF attributes in either, or per-file packing in ours. */
export function needsDecoding(oursAttrs: JsonObject, theirAttrs: JsonObject): boolean {
  return (
    CF_ATTRIBUTES.some((k) => oursAttrs[k] !== undefined || theirAttrs[k] !== undefined) ||
    oursAttrs.scale_factor_variable !== undefined ||
    oursAttrs.add_offset_variable !== undefined
  );
}

/** Ours decoded over `region`: the combined attributes, each element with its own file's coefficients. */
async function decodeOurs(
  refs: ReferenceSet,
  info: ArrayInfo,
  raw: ArrayLike<unknown>,
  region: Array<[number, number]>,
  open: OpenSource,
): Promise<Float64Array> {
  const read: ArrayReader = async (p, r) =>
    (
      await readArray(refs, p, {
        open,
        region: r.start.map((s, d): [number, number] => [s, r.stop[d] as number]),
      })
    ).data as ArrayLike<number>;
  const perFile = await perFileDecoders(refs, info, read);
  const values = Float64Array.from(raw as ArrayLike<number>, Number);
  const out = new Float64Array(values.length);
  if (!perFile) {
    cfDecoder(info).decode(values, out);
    return out;
  }
  // Elements after the last packing axis share a decoder: decode them as one block.
  const last = Math.max(...perFile.axes);
  const sizes = region.map(([a, b]) => b - a);
  const block = sizes.slice(last + 1).reduce((a, b) => a * b, 1);
  for (let start = 0, n = 0; start < values.length; start += block, n++) {
    let rest = n;
    const index = new Array<number>(last + 1);
    for (let d = last; d >= 0; d--) {
      index[d] = (region[d] as [number, number])[0] + (rest % (sizes[d] as number));
      rest = Math.floor(rest / (sizes[d] as number));
    }
    const decoder: Decoder = decoderAt(perFile, (axis) => index[axis] as number);
    decoder.decode(values, out.subarray(start, start + block), start);
  }
  return out;
}

/** Our values and the file's, each CF-decoded with its own attributes, compared element by element. */
export async function compareDecoded(
  refs: ReferenceSet,
  path: string,
  ours: ArrayLike<unknown>,
  theirs: ArrayLike<unknown>,
  theirAttrs: JsonObject,
  region: Array<[number, number]>,
  open: OpenSource,
): Promise<DecodedVerdict> {
  const info = arrayInfo(refs, path);
  const oursDecoded = await decodeOurs(refs, info, ours, region, open);
  const fill: JsonValue = theirAttrs._FillValue ?? info.fillValue;
  const theirsInfo: ArrayInfo = { ...info, fillValue: fill, attrs: theirAttrs };
  const theirsDecoded = new Float64Array(theirs.length);
  cfDecoder(theirsInfo).decode(Float64Array.from(theirs as ArrayLike<number>, Number), theirsDecoded);
  const c = compareValues(oursDecoded, theirsDecoded);
  return { equal: c.equal, detail: `decoded (CF): ${describeComparison(c, oursDecoded.length)}` };
}
