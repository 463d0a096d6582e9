/**
 * CF decoding of a variable's raw values: _Unsigned, fill (_FillValue, missing_value, GDAL nodata, and the Zarr
 * fill_value where it marks missing data: see fill.ts) and values outside valid_min/valid_max/valid_range become NaN (dropped later); then
 * scale_factor and add_offset apply.
 */
import type { JsonValue } from "../../refs/model/index.js";
import type { ArrayInfo, NumericArray } from "../source.js";

export interface Decoder {
  /** Float32 when the source is float32 and unpacked (no precision to gain), else Float64. */
  readonly outputType: "float32" | "float64";
  /** Decode raw[start..start+out.length) into out, writing NaN where a value is missing. */
  decode(raw: NumericArray | ArrayLike<number>, out: Float64Array, start?: number): void;
}

function numbers(value: JsonValue | undefined): number[] {
  if (value === undefined || value === null) return [];
  const list = Array.isArray(value) ? value : [value];
  return list.map((v) => (typeof v === "string" ? Number(v) : typeof v === "number" ? v : Number.NaN));
}

function scalar(value: JsonValue | undefined): number | undefined {
  const n = numbers(value);
  return n.length > 0 && Number.isFinite(n[0]) ? n[0] : undefined;
}

/** Bits of a signed integer dtype like "<i2", or 0 when not a signed integer. */
function signedBits(dtype: string): number {
  const m = /^[<>|]?i(\d)$/.exec(dtype);
  return m ? Number(m[1]) * 8 : 0;
}

export function cfDecoder(info: ArrayInfo): Decoder {
  const a = info.attrs;
  const unsignedBits = String(a._Unsigned ?? "").toLowerCase() === "true" ? signedBits(info.dtype) : 0;
  const asUnsigned = (v: number) => (unsignedBits && v < 0 ? v + 2 ** unsignedBits : v);
  const fills = [
    ...numbers(a._FillValue),
    ...numbers(a.missing_value),
    ...numbers(a.nodata),
    ...numbers(a._nodata),
    ...(info.fillMarksMissing === false ? [] : numbers(info.fillValue)),
  ]
    .filter((v) => Number.isFinite(v))
    .map(asUnsigned);
  const fillSet = new Set(fills);
  const range = numbers(a.valid_range);
  const validMin = scalar(a.valid_min) ?? (range.length === 2 ? range[0] : undefined);
  const validMax = scalar(a.valid_max) ?? (range.length === 2 ? range[1] : undefined);
  const scale = scalar(a.scale_factor) ?? 1;
  const offset = scalar(a.add_offset) ?? 0;
  const packed = a.scale_factor !== undefined || a.add_offset !== undefined;
  const float32 = /^[<>|]?f4$/.test(info.dtype) && !packed;
  const lo = validMin ?? Number.NEGATIVE_INFINITY;
  const hi = validMax ?? Number.POSITIVE_INFINITY;
  const hasFill = fillSet.size > 0;
  const single = fills.length === 1 ? (fills[0] as number) : Number.NaN;

  return {
    outputType: float32 ? "float32" : "float64",
    decode(raw, out, start = 0) {
      for (let i = 0; i < out.length; i++) {
        let v = Number(raw[start + i]);
        if (unsignedBits) v = asUnsigned(v);
        if (Number.isNaN(v) || v < lo || v > hi) {
          out[i] = Number.NaN;
        } else if (hasFill && (v === single || (fills.length > 1 && fillSet.has(v)))) {
          out[i] = Number.NaN;
        } else {
          out[i] = v * scale + offset;
        }
      }
    },
  };
}
