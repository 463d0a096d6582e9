import { perFilePacking, type ReferenceSet } from "../../refs/model/index.js";
import { arrayMeta, type OpenSource, readArray } from "../../refs/store/index.js";
import { compareValues, describeComparison } from "./compare.js";
import { boundsParent, compareDecoded, compareTimes, needsDecoding, oursTime, theirTime } from "./decoded.js";
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
  const coefficients = coefficientArrays(refs);
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
            (await checkVariable(refs, path, file, direct, options, coefficients)),
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
  coefficients: Map<string, Coefficient>,
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
  const coefficient = coefficients.get(path);
  if (coefficient) {
    if (!part)
      return finding("warning", "no place of this file along the concat dimensions is known; not compared");
    return checkCoefficient(refs, path, coefficient, direct, part.region, options, finding);
  }
  const theirs = await direct.read(path, meta.shape);
  if ("unreadable" in theirs)
    return finding("failure", `the source file cannot be read: ${theirs.unreadable}`);
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
    const theirAttrs = direct.attrs(path);
    // Times: compared as instants, since a combined set may hold them re-encoded into other units.
    const time = oursTime(refs, path);
    const parent = boundsParent(refs, path);
    const fileTime = theirAttrs && theirTime(theirAttrs, parent ? direct.attrs(parent) : undefined);
    if (time && fileTime) {
      const verdict = compareTimes(values, theirs.values, time, fileTime);
      return finding(verdict.equal ? "success" : "failure", verdict.detail);
    }
    const comparison = compareValues(values, theirs.values);
    const detail = describeComparison(comparison, values.length, [values.length, theirs.values.length]);
    if (comparison.equal) {
      const oursAttrs = refs.metadata.get(`${path}/.zattrs`) ?? {};
      if (
        !theirAttrs ||
        !meta.dtype ||
        !needsDecoding(oursAttrs, theirAttrs) ||
        !/[iuf]/.test(meta.dtype.kind)
      )
        return finding("success", detail);
      const box = region ?? meta.shape.map((n): [number, number] => [0, n]);
      const decoded = await compareDecoded(refs, path, values, theirs.values, theirAttrs, box, options.open);
      return finding(decoded.equal ? "success" : "failure", `raw: ${detail}; ${decoded.detail}`);
    }
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

/** A per-file coefficient array: the variable it belongs to and the attribute it carries per file. */
interface Coefficient {
  variable: string;
  attribute: "scale_factor" | "add_offset";
}

/** Per-file coefficient arrays of the set (refs/model/per-file-packing.ts), by path. */
function coefficientArrays(refs: ReferenceSet): Map<string, Coefficient> {
  const out = new Map<string, Coefficient>();
  for (const path of refs.arrays.keys()) {
    const packing = perFilePacking(path, refs.metadata.get(`${path}/.zattrs`) ?? {});
    if (packing?.scaleFactor) out.set(packing.scaleFactor, { variable: path, attribute: "scale_factor" });
    if (packing?.addOffset) out.set(packing.addOffset, { variable: path, attribute: "add_offset" });
  }
  return out;
}

/** Every value of the file's part of a coefficient array equals the file's own attribute of the variable. */
async function checkCoefficient(
  refs: ReferenceSet,
  path: string,
  c: Coefficient,
  direct: DirectFile,
  variableRegion: Array<[number, number]>,
  options: ValidateOptions,
  finding: (status: Finding["status"], detail: string) => Finding,
): Promise<Finding> {
  const attrs = direct.attrs(c.variable);
  if (!attrs)
    return finding("warning", `the file's attributes of ${c.variable} cannot be read; not compared`);
  const raw = attrs[c.attribute];
  const expected = typeof raw === "number" ? raw : c.attribute === "scale_factor" ? 1 : 0;
  const dims = refs.metadata.get(`${path}/.zattrs`)?._ARRAY_DIMENSIONS as string[];
  const variableDims = refs.metadata.get(`${c.variable}/.zattrs`)?._ARRAY_DIMENSIONS as string[];
  const region = dims.map((d) => variableRegion[variableDims.indexOf(d)] as [number, number]);
  const ours = Array.from(
    (await readArray(refs, path, { open: options.open, region })).data as ArrayLike<number>,
  );
  const wrong = ours.filter((v) => v !== expected);
  if (wrong.length === 0) {
    return finding(
      "success",
      `${ours.length} values equal the file's ${c.attribute} of ${c.variable} (${expected})`,
    );
  }
  return finding(
    "failure",
    `${wrong.length} of ${ours.length} values differ from the file's ${c.attribute} of ${c.variable}: ${wrong[0]} vs ${expected}`,
  );
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
