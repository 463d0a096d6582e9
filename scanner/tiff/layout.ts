/**
 * One IFD as a Zarr array, the way tifffile lays it out for kerchunk: chunky images (Y, X, S) with one chunk per
 * tile or strip, planar images (S, Y, X) with one chunk per plane's tile or strip. The n-th tile/strip of the
 * IFD is then the n-th chunk of the grid in C order, so offsets map one to one.
 */
import type { JsonObject, JsonValue } from "../../refs/model/index.js";
import { type Codecs, tiffCodecs, UnsupportedCompression } from "./compression.js";
import { sampleDtype } from "./dtype.js";
import type { IfdInfo } from "./ifd.js";

export interface ArrayLayout {
  dims: string[];
  shape: number[];
  chunks: number[];
  dtype: string;
  codecs: Codecs;
}

export function levelDims(level: number): [string, string] {
  return level === 0 ? ["Y", "X"] : [`Y${level}`, `X${level}`];
}

function uniform(values: number[], samples: number, what: string): number {
  const first = values[0] ?? 1;
  if (values.slice(0, samples).some((v) => v !== first)) {
    throw new UnsupportedCompression(`samples with different ${what} (${values.join(",")})`);
  }
  return first;
}

export function arrayLayout(ifd: IfdInfo, level: number, littleEndian: boolean): ArrayLayout {
  const [ydim, xdim] = levelDims(level);
  const bits = uniform(ifd.bitsPerSample, ifd.samples, "BitsPerSample");
  const format = uniform(ifd.sampleFormat, ifd.samples, "SampleFormat");
  const packed = bits === 1;
  const dtype = packed ? "|u1" : sampleDtype(bits, format, littleEndian);
  if (!dtype) throw new UnsupportedCompression(`${bits}-bit samples of SampleFormat ${format}`);
  const planar = ifd.planar === 2 && ifd.samples > 1;
  const bh = ifd.blockHeight;
  const bw = ifd.blockWidth;
  let layout: Omit<ArrayLayout, "codecs">;
  if (planar) {
    layout = {
      dims: ["S", ydim, xdim],
      shape: [ifd.samples, ifd.height, ifd.width],
      chunks: [1, bh, bw],
      dtype,
    };
  } else if (ifd.samples > 1) {
    layout = {
      dims: [ydim, xdim, "S"],
      shape: [ifd.height, ifd.width, ifd.samples],
      chunks: [bh, bw, ifd.samples],
      dtype,
    };
  } else {
    layout = { dims: [ydim, xdim], shape: [ifd.height, ifd.width], chunks: [bh, bw], dtype };
  }
  const codecs = tiffCodecs(ifd, layout.chunks, dtype);
  if (packed) {
    // 1-bit samples (masks): rows of the block packed MSB first, each row padded to a byte
    if (ifd.samples !== 1) throw new UnsupportedCompression("1-bit images with several samples");
    const unpack: JsonObject = { bitspersample: 1, dtype: "|u1", id: "imagecodecs_packints", runlen: bw };
    codecs.filters = [unpack, ...(codecs.filters ?? [])];
  }
  return { ...layout, codecs };
}

/** nodata as a fill value of the dtype (floats keep the text's double value, as tifffile does); 0 without. */
export function fillFromNodata(nodata: string | undefined, dtype: string): JsonValue {
  const isFloat = dtype.includes("f");
  const text = nodata?.trim().toLowerCase() ?? "";
  if (text === "") return 0;
  const v = text === "nan" ? Number.NaN : Number(text);
  if (!isFloat) return Number.isFinite(v) ? Math.trunc(v) : 0;
  if (Number.isNaN(v)) return "NaN";
  if (!Number.isFinite(v)) return v > 0 ? "Infinity" : "-Infinity";
  return v;
}
