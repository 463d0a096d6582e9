import type { ReferenceSet } from "../model/index.js";

/** One per-file reference set to combine; `url` names the file in errors and is matched by file-name patterns. */
export interface CombineInput {
  url: string;
  refs: ReferenceSet;
}

/**
 * Reads and decodes an array's values through a reference set, whether its chunks are inline bytes or references:
 * combine itself decodes nothing (refs/store readArray fits: `(await readArray(refs, path, {open})).data`; over
 * inline chunks it opens no URL).
 */
export type ReadCoordinate = (
  url: string,
  refs: ReferenceSet,
  arrayPath: string,
) => Promise<ArrayLike<unknown>>;

/** How a text taken from a file name or attribute becomes a coordinate value. */
export type ValueType = "number" | "string" | "date";

/** Where the values of a concat dimension's coordinate come from, per file. */
export type CoordinateSource =
  /** The file's coordinate array (default: the root array named after the dimension). */
  | { from: "data"; array?: string }
  /**
   * A regular expression applied to the input's URL; the named `group` (default: the first group) is the value.
   * For type "date", `format` is strftime-like (%Y %m %d %H %M %S %j); without it ISO-like text is expected.
   */
  | { from: "pattern"; pattern: RegExp; group?: string; type?: ValueType; format?: string }
  /** An attribute of the root group (or of `array`). */
  | { from: "attribute"; name: string; array?: string; type?: ValueType; format?: string }
  /** Values given by the caller, one per input in input order. */
  | { from: "values"; values: ReadonlyArray<number | string> }
  /** The input's position in the list. */
  | { from: "index" };

/** CF encoding of a time coordinate in the combined set. */
export interface TimeEncoding {
  units?: string;
  calendar?: string;
}

export interface CombineOptions {
  /** Dimensions to concatenate along (one or more). */
  concatDims: readonly string[];
  /** Arrays that must be identical in every file; copied once from the first file. */
  identicalDims?: readonly string[];
  /** Per concat dimension, where its values come from (default: data). */
  coordinates?: Readonly<Record<string, CoordinateSource>>;
  /**
   * Per concat dimension, the CF encoding of the combined coordinate when files' encodings differ or values are
   * dates from names/attributes. Default: the first input's encoding (dates: days since 1970-01-01, standard).
   */
  timeEncoding?: Readonly<Record<string, TimeEncoding>>;
  /**
   * Arrays whose files differ in scale_factor/add_offset: "per-file" (default) carries each file's coefficients
   * as arrays along the concat dimensions (refs/model/per-file-packing.ts); "refuse" throws PackingMismatchError.
   */
  packing?: "per-file" | "refuse";
  /** Reads referenced (non-inline) coordinate chunks; needed unless coordinates are inline or not from data. */
  readCoordinate?: ReadCoordinate;
}
