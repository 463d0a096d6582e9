/**
 * What the scanner needs from one IFD, read through geotiff.js (tags, deferred offset/byte-count arrays).
 * Only tag values are read, never tile or strip data.
 */
import type { GeoTIFFImage } from "geotiff";

export interface IfdInfo {
  index: number;
  width: number;
  height: number;
  /** Tile size, or for strips: width x RowsPerStrip. */
  blockWidth: number;
  blockHeight: number;
  /** RowsPerStrip as stored (strips; the image height when absent). */
  rowsPerStrip: number;
  tiled: boolean;
  samples: number;
  bitsPerSample: number[];
  sampleFormat: number[];
  planar: number;
  compression: number;
  predictor: number;
  photometric: number | undefined;
  subfileType: number;
  extraSamples: number[];
  offsets: number[];
  byteCounts: number[];
  jpegTables: Uint8Array | undefined;
  lercParameters: number[] | undefined;
  nodata: string | undefined;
  gdalMetadata: string | undefined;
}

type Tags = GeoTIFFImage["fileDirectory"];

async function load(fd: Tags, tag: string): Promise<unknown> {
  return fd.hasTag(tag as never) ? fd.loadValue(tag as never) : undefined;
}

function numbers(value: unknown, fallback: number[]): number[] {
  if (value === undefined || value === null) return fallback;
  if (typeof value === "number" || typeof value === "bigint") return [Number(value)];
  if (Array.isArray(value) || ArrayBuffer.isView(value))
    return Array.from(value as ArrayLike<number | bigint>, Number);
  return fallback;
}

function text(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  return value.replace(/\0+$/, "");
}

export async function readIfd(image: GeoTIFFImage, index: number): Promise<IfdInfo> {
  const fd = image.fileDirectory;
  const tiled = fd.hasTag("TileWidth" as never);
  const width = Number(await load(fd, "ImageWidth"));
  const height = Number(await load(fd, "ImageLength"));
  const samples = Number((await load(fd, "SamplesPerPixel")) ?? 1);
  const rowsPerStrip = Number((await load(fd, "RowsPerStrip")) ?? height);
  const bitsPerSample = numbers(await load(fd, "BitsPerSample"), [1]);
  const tables = await load(fd, "JPEGTables");
  return {
    index,
    width,
    height,
    tiled,
    blockWidth: tiled ? Number(await load(fd, "TileWidth")) : width,
    blockHeight: tiled ? Number(await load(fd, "TileLength")) : Math.min(rowsPerStrip, height),
    rowsPerStrip,
    samples,
    bitsPerSample,
    sampleFormat: numbers(await load(fd, "SampleFormat"), [1]),
    planar: Number((await load(fd, "PlanarConfiguration")) ?? 1),
    compression: Number((await load(fd, "Compression")) ?? 1),
    predictor: Number((await load(fd, "Predictor")) ?? 1),
    photometric: fd.hasTag("PhotometricInterpretation" as never)
      ? Number(await load(fd, "PhotometricInterpretation"))
      : undefined,
    subfileType: Number((await load(fd, "NewSubfileType")) ?? 0),
    extraSamples: numbers(await load(fd, "ExtraSamples"), []),
    offsets: numbers(await load(fd, tiled ? "TileOffsets" : "StripOffsets"), []),
    byteCounts: numbers(await load(fd, tiled ? "TileByteCounts" : "StripByteCounts"), []),
    jpegTables: tables ? new Uint8Array(numbers(tables, [])) : undefined,
    lercParameters: fd.hasTag("LercParameters" as never)
      ? numbers(await load(fd, "LercParameters"), [])
      : undefined,
    nodata: text(await load(fd, "GDAL_NODATA")),
    gdalMetadata: text(await load(fd, "GDAL_METADATA")),
  };
}
