import { emptyReferenceSet, type JsonObject, type JsonValue } from "../../refs/model/index.js";
import type { ByteSource } from "../../refs/storage/index.js";
import { FormatError, ScanError, UnsupportedFeatureError, withOffset } from "../errors.js";
import { ScanSource } from "../scan-source.js";
import type { ScanIssue, ScanOptions, ScanResult } from "../types.js";
import { TruncatedFileError } from "../within-file.js";
import { attributeJson } from "./attribute-values.js";
import { readAttributes } from "./attributes.js";
import { BlockReader } from "./block-reader.js";
import { readDataset } from "./dataset.js";
import { arrayDimensions, type DimensionLookup, dimensionIds, isDimensionScale } from "./dimensions.js";
import { HdfFile } from "./file.js";
import { GlobalHeaps } from "./global-heap.js";
import type { RawAttribute } from "./messages/attribute.js";
import { resolvePhonyConflicts } from "./phony-dims.js";
import { readSuperblock } from "./superblock.js";
import { datasetToZarr } from "./to-zarr.js";
import { ValueDecoder } from "./values.js";
import { type WalkedObject, walkObjects } from "./walk.js";

/** Requests and bytes a scan read from its source. */
export interface Hdf5ScanStats {
  requests: number;
  bytesRead: number;
  fileSize: number;
}

export interface Hdf5ScanResult extends ScanResult {
  stats: Hdf5ScanStats;
}

/**
 * References for an HDF5 / NetCDF4 file, equivalent to kerchunk's SingleHdf5ToZarr: reads metadata only
 * (plus the values kerchunk embeds: compact datasets, variable-length strings, chunks under the inline threshold).
 */
export async function scanHdf5(
  source: ByteSource,
  url: string,
  options: ScanOptions = {},
): Promise<Hdf5ScanResult> {
  const inlineThreshold = options.inlineThreshold ?? 500;
  const onError = options.onError ?? "raise";
  // one read path: the scan's source when scanFile made it, else this file's (see scan-source.ts)
  source = ScanSource.of(source, options.budget);
  const fileSize = await source.size({ signal: options.signal });
  const reader = new BlockReader(source, fileSize, options.signal);
  const file = new HdfFile(reader, source.url);
  let objects: Awaited<ReturnType<typeof walkObjects>>;
  let superblockAt = 0;
  try {
    const superblock = await readSuperblock(file);
    superblockAt = superblock.signatureOffset;
    objects = await walkObjects(file, superblock.rootObjectHeader);
  } catch (error) {
    // The walk names the offsets of what it reads; what is left is the superblock's.
    throw asScanError(error, source.url, "", superblockAt);
  }
  const pathByAddress = new Map<number, string>();
  for (const o of objects)
    if (!pathByAddress.has(o.header.address)) pathByAddress.set(o.header.address, o.path);
  const heaps = new GlobalHeaps(file);
  const decoder = new ValueDecoder(file, heaps);
  const refs = emptyReferenceSet();
  const issues: ScanIssue[] = [];
  const readBytes = (offset: number, length: number) => reader.read(offset, length);
  const leaveOut = (o: WalkedObject, caught: unknown) => {
    const error = asScanError(caught, url, `/${o.path}`, file.fileOffset(o.header.address));
    // A truncated file fails whole: leaving its arrays out would let the combine read them as fill.
    if (onError === "raise" || !(error instanceof ScanError) || error instanceof TruncatedFileError)
      throw error;
    refs.metadata.delete(`${o.path}/.zarray`);
    refs.metadata.delete(`${o.path}/.zattrs`);
    refs.arrays.delete(o.path);
    const feature = error instanceof UnsupportedFeatureError ? error.feature : "corrupt object";
    issues.push({ object: `/${o.path}`, feature, message: error.message });
  };

  // Attributes first: naming dimensions needs every scale's _Netcdf4Dimid before any array is written.
  const attributes = new Map<WalkedObject, RawAttribute[]>();
  for (const o of objects) {
    options.signal?.throwIfAborted();
    if (o.kind === "datatype") continue;
    try {
      attributes.set(o, await readAttributes(file, o.header.messages, `/${o.path}`));
    } catch (caught) {
      leaveOut(o, caught);
    }
  }
  const lookup: DimensionLookup = {
    file,
    heaps,
    decoder,
    pathOf: (a) => pathByAddress.get(a),
    dimensionIds: await dimensionIds(
      objects
        .filter((o) => o.kind === "dataset" && attributes.has(o))
        .map((o) => ({
          path: o.path,
          attrs: attributes.get(o) as RawAttribute[],
        })),
      decoder,
    ),
  };

  for (const o of objects) {
    options.signal?.throwIfAborted();
    const attrs = attributes.get(o);
    if (attrs === undefined) continue; // a named datatype, or an object already reported
    const object = `/${o.path}`;
    try {
      const zattrs = await transferAttributes(attrs, decoder, object);
      if (o.kind === "group") {
        refs.metadata.set(o.path ? `${o.path}/.zgroup` : ".zgroup", { zarr_format: 2 });
        if (Object.keys(zattrs).length > 0)
          refs.metadata.set(o.path ? `${o.path}/.zattrs` : ".zattrs", zattrs);
        continue;
      }
      const info = await readDataset(file, o.header.messages, object);
      if (info.space.isNull) {
        issues.push({
          object,
          feature: "null dataspace",
          message: `${url} (object ${object}, byte offset ${info.offsets.space}): null dataspace (no shape): left out`,
        });
        continue;
      }
      if (isDimensionScale(attrs) && !hasStorage(info)) continue; // a netCDF dimension without a variable
      const dims = await arrayDimensions(lookup, attrs, info.space.shape, o.path);
      await datasetToZarr(
        {
          file,
          url,
          path: o.path,
          info,
          attrs,
          zattrs,
          dims,
          decoder,
          inlineThreshold,
          readBytes,
          issues,
          ...(options.budget ? { budget: options.budget } : {}),
        },
        refs,
      );
    } catch (caught) {
      leaveOut(o, caught);
    }
  }
  resolvePhonyConflicts(refs);
  return {
    refs,
    issues,
    stats: { requests: reader.stats.requests, bytesRead: reader.stats.bytes, fileSize },
  };
}

function hasStorage(info: Awaited<ReturnType<typeof readDataset>>): boolean {
  const l = info.layout;
  if (l.kind === "compact") return true;
  if (l.kind === "contiguous" || l.kind === "chunked") return l.address >= 0;
  return true;
}

async function transferAttributes(
  attrs: RawAttribute[],
  decoder: ValueDecoder,
  object: string,
): Promise<JsonObject> {
  const out: JsonObject = {};
  for (const a of attrs) {
    const value: JsonValue | undefined = await attributeJson(a, decoder, object);
    if (value !== undefined) out[a.name] = value;
  }
  return out;
}

/**
 * A parse step that overran a structure (RangeError) or met impossible values means corrupt metadata. Errors
 * that name no byte offset get `offset`: the object header being parsed (the superblock for the walk).
 */
function asScanError(error: unknown, url: string, object: string, offset: number | undefined): unknown {
  if (error instanceof RangeError || error instanceof TypeError) {
    return new FormatError(url, object, `corrupt metadata: ${error.message}`, offset, { cause: error });
  }
  return offset === undefined ? error : withOffset(error, offset);
}
