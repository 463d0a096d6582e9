/**
 * Append files to a combined set without rescanning the files already in it: the combined set is one more
 * input, whose concat coordinates are its inline coordinate arrays and whose CF encoding the new files adopt.
 */
import { perFilePacking, type ReferenceSet } from "../model/index.js";
import { dimLength, zattrsOf } from "./array-dims.js";
import { parseCfTime } from "./cf-time.js";
import { assemble, type CombineResult } from "./combine.js";
import { type DimCoordinates, dimCoordinates, type Values } from "./coordinates.js";
import { CombineError, CoordinateError } from "./errors.js";
import type { CombineInput, CombineOptions, ReadCoordinate, TimeEncoding } from "./options.js";
import { allInline, readValues } from "./read-values.js";

export interface AppendOptions extends CombineOptions {
  /** How errors name the existing combined set (default "existing combined set"). */
  existingName?: string;
}

/**
 * A combined set carrying per-file packing cannot be extended here: its arrays no longer hold the coefficients the
 * new files are compared with, so every file is combined again (the caller's full combine).
 */
function refusePerFilePacking(existing: CombineInput): void {
  for (const path of existing.refs.arrays.keys()) {
    if (perFilePacking(path, zattrsOf(existing.refs, path))) {
      const detail = `"${path}" carries per-file scale_factor/add_offset, which only a full combine can extend`;
      throw new CombineError(`${existing.url}: ${detail}`);
    }
  }
}

async function existingCoordinate(
  existing: CombineInput,
  dim: string,
  read: ReadCoordinate | undefined,
): Promise<Values> {
  if (!existing.refs.arrays.has(dim) || !allInline(existing.refs, dim)) {
    const detail = `the combined set has no inline coordinate array "${dim}" to append to`;
    throw new CoordinateError(dim, [existing.url], detail);
  }
  return readValues(existing.url, existing.refs, dim, read);
}

/**
 * The combined set of `existing` plus `inputs`, equal to combining every original file at once (as long as the
 * same options are given). The new files' values must not fall inside the existing coordinate's runs.
 */
export async function appendReferenceSets(
  existing: ReferenceSet,
  inputs: readonly CombineInput[],
  options: AppendOptions,
): Promise<CombineResult> {
  if (inputs.length === 0) throw new CombineError("nothing to append: no inputs");
  const old: CombineInput = { url: options.existingName ?? "existing combined set", refs: existing };
  refusePerFilePacking(old);
  // New times are written in the combined set's encoding, whatever the options said when it was made.
  const timeEncoding: Record<string, TimeEncoding> = { ...options.timeEncoding };
  const parsed = new Map<string, ReturnType<typeof parseCfTime>>();
  for (const dim of options.concatDims) {
    const attrs = zattrsOf(existing, dim);
    if (typeof attrs.units === "string" && /\ssince\s/i.test(attrs.units)) {
      const calendar = typeof attrs.calendar === "string" ? attrs.calendar : undefined;
      timeEncoding[dim] = { units: attrs.units, ...(calendar ? { calendar } : {}) };
      parsed.set(dim, parseCfTime(attrs.units, calendar));
    }
  }
  const newOptions: CombineOptions = { ...options, timeEncoding };
  const dims: DimCoordinates[] = [];
  for (const dim of options.concatDims) {
    const added = await dimCoordinates(inputs, dim, newOptions);
    const time = parsed.get(dim);
    dims.push({
      ...added,
      values: [await existingCoordinate(old, dim, options.readCoordinate), ...added.values],
      lengths: [dimLength(existing, dim), ...added.lengths],
      time: time && typeof time !== "string" ? time : added.time,
    });
  }
  return assemble([old, ...inputs], options, dims);
}
