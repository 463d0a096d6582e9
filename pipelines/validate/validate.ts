import type { ReferenceSet } from "../../refs/model/reference-set.js";
import { arrayMeta } from "../../refs/store/array-meta.js";
import type { OpenSource } from "../../refs/store/chunk-bytes.js";
import { readArray } from "../../refs/store/read-array.js";
import { compareValues, describeComparison } from "./compare.js";
import { type DirectFile, openDirect } from "./direct-read.js";
import { regionOfFile } from "./file-region.js";
import { checkMetadata } from "./metadata-check.js";
import { type Finding, summarize, type ValidationReport } from "./report.js";
import { sampleFiles } from "./sample-files.js";
import { checkTiffCoordinates } from "./tiff-coordinates.js";

/** Codecs whose decoders may legitimately differ by a few units (JPEG implementations round differently). */
const lossyCodecs = new Set([
  "imagecodecs_jpeg",
  "imagecodecs_webp",
  "imagecodecs_jpeg2k",
  "imagecodecs_jpegxl",
]);
const lossyTolerance = 16;

export interface ValidateOptions {
  /** Opens the URLs the references name (chunk reads). */
  open: OpenSource;
  /** Every source file (URLs as the references name them), in order. */
  sources: string[];
  /** Source files to compare (first, last, random others); default 3. */
  files?: number;
  seed?: number;
  /**
   * Per source file, its [start, stop) along each concat dimension of a combined set (the scan's summary). Without
   * it a file's part is inferred from the chunks that reference it, which inlined chunks leave incomplete.
   */
  regions?: Record<string, Record<string, [number, number]>>;
  /** Reads a source file whole for the independent reader (default: through `open`). */
  readSource?: (url: string) => Promise<Uint8Array>;
}

/**
 * Validate a (combined) reference set: metadata first, then for the sampled source files the values of every
 * variable read through the references against the same variable read directly from the file.
 */
export async function validateReferences(
  refs: ReferenceSet,
  options: ValidateOptions,
): Promise<ValidationReport> {
  const metadata = checkMetadata(refs);
  const broken = new Set(metadata.filter((f) => f.status === "failure").map((f) => f.subject));
  const files = sampleFiles(options.sources, options.files ?? 3, options.seed);
  const readSource =
    options.readSource ??
    (async (url: string) => {
      const source = options.open(url);
      return source.fetch(0, await source.size());
    });
  const variables: Finding[] = [];
  for (const file of files) {
    let direct: DirectFile;
    try {
      direct = await openDirect(await readSource(file));
    } catch (error) {
      variables.push({
        status: "failure",
        subject: "*",
        file,
        detail: `cannot read the source file: ${(error as Error).message}`,
      });
      continue;
    }
    try {
      for (const path of refs.arrays.keys()) {
        if (broken.has(path || "/")) continue;
        variables.push(
          (await checkTiffCoordinates(refs, path, file, direct, options.open)) ??
            (await checkVariable(refs, path, file, direct, options)),
        );
      }
    } finally {
      direct.close();
    }
  }
  return summarize(metadata, files, variables);
}

async function checkVariable(
  refs: ReferenceSet,
  path: string,
  file: string,
  direct: DirectFile,
  options: ValidateOptions,
): Promise<Finding> {
  const finding = (status: Finding["status"], detail: string): Finding => ({
    status,
    subject: path,
    file,
    detail,
  });
  const meta = arrayMeta(refs, path);
  const table = refs.arrays.get(path);
  const placed = options.regions?.[file];
  const part = placed
    ? { region: placedRegion(refs, path, meta.shape, placed), complete: true }
    : table
      ? regionOfFile(table, file, meta.shape, meta.chunks)
      : undefined;
  const theirs = await direct.read(path, meta.shape);
  if ("unsupported" in theirs) return finding("warning", `not compared: ${theirs.unsupported}`);
  let region: Array<[number, number]> | undefined;
  if (part) {
    if (!part.complete) return finding("warning", "the file's chunks do not form one block; not compared");
    region = part.region;
  } else {
    // Not referenced from this file (inline data or another file's chunks): comparable when whole-array sized.
    const count = meta.shape.reduce((a, b) => a * b, 1);
    if (count !== theirs.values.length) {
      return finding(
        "warning",
        `no chunk references this file and the sizes differ (${count} vs ${theirs.values.length}); not compared`,
      );
    }
  }
  try {
    const ours = await readArray(refs, path, { open: options.open, region });
    const values = ours.data as ArrayLike<unknown>;
    const comparison = compareValues(values, theirs.values);
    const detail = describeComparison(comparison, values.length, [values.length, theirs.values.length]);
    if (comparison.equal) return finding("success", detail);
    // Lossy codecs decode slightly differently in different decoders: small differences are a warning.
    const lossy = [meta.compressor, ...meta.filters]
      .map((c) => String(c?.id))
      .find((id) => lossyCodecs.has(id));
    const sameLength = values.length === theirs.values.length;
    if (
      lossy &&
      sameLength &&
      comparison.maxAbsDiff !== undefined &&
      comparison.maxAbsDiff <= lossyTolerance
    ) {
      return finding("warning", `lossy codec ${lossy}: ${detail} (within ${lossyTolerance})`);
    }
    return finding("failure", detail);
  } catch (error) {
    return finding("failure", `reading through the references failed: ${(error as Error).message}`);
  }
}

/** A file's region of an array from its place along the concat dimensions; other dimensions whole. */
function placedRegion(
  refs: ReferenceSet,
  path: string,
  shape: readonly number[],
  placed: Record<string, [number, number]>,
): Array<[number, number]> {
  const dims = refs.metadata.get(`${path ? `${path}/` : ""}.zattrs`)?._ARRAY_DIMENSIONS;
  return shape.map((n, d): [number, number] => {
    const name = Array.isArray(dims) ? dims[d] : undefined;
    return typeof name === "string" && placed[name] ? placed[name] : [0, n];
  });
}
