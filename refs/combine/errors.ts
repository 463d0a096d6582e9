import { RefsError, registerErrors } from "../errors.js";

/** Base of the errors combining reference sets throws. */
export class CombineError extends RefsError {
  override name = "CombineError";
}

/** One file's value of something that must agree across files. */
export interface FileValue {
  url: string;
  value: string;
}

function listFiles(files: readonly FileValue[]): string {
  return files.map((f) => `${f.url}: ${f.value}`).join("; ");
}

/**
 * An array's layout differs between files in a way the combined array cannot hold (chunk shape, dtype, codecs,
 * fill value, order, dimensions or the size of a dimension that is not concatenated).
 */
export class ArrayMismatchError extends CombineError {
  override name = "ArrayMismatchError";
  constructor(
    readonly arrayPath: string,
    readonly field: string,
    readonly files: readonly FileValue[],
    options?: { cause?: unknown },
  ) {
    super(`array "${arrayPath}": ${field} differs between files: ${listFiles(files)}`, options);
  }
}

/** An array listed as identical in every file is not (names the first file and each file that differs, and how). */
export class IdenticalArrayError extends CombineError {
  override name = "IdenticalArrayError";
  constructor(
    readonly arrayPath: string,
    readonly reference: string,
    readonly differing: readonly FileValue[],
    options?: { cause?: unknown },
  ) {
    super(
      `array "${arrayPath}" must be identical in every file but differs from ${reference} in: ` +
        listFiles(differing),
      options,
    );
  }
}

/** A file's part of a concatenated array does not start or end on a chunk boundary of the combined array. */
export class ChunkAlignmentError extends CombineError {
  override name = "ChunkAlignmentError";
  constructor(
    readonly arrayPath: string,
    readonly dim: string,
    readonly chunk: number,
    readonly files: readonly FileValue[],
  ) {
    super(
      `array "${arrayPath}": chunks of ${chunk} along "${dim}" do not divide the files' extents ` +
        `(each file but the last must hold a multiple of ${chunk} steps): ${listFiles(files)}`,
    );
  }
}

/** The concat coordinate of a file could not be found or read, or files' coordinates conflict. */
export class CoordinateError extends CombineError {
  override name = "CoordinateError";
  constructor(
    readonly dim: string,
    readonly urls: readonly string[],
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(`concat dimension "${dim}" (${urls.join(", ")}): ${detail}`, options);
  }
}

/** A CF time value cannot be re-encoded (unsupported units, or a date the target calendar lacks). */
export class TimeEncodingError extends CombineError {
  override name = "TimeEncodingError";
  constructor(
    readonly url: string,
    readonly dim: string,
    readonly value: number | string | undefined,
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    const what = value === undefined ? "" : ` value ${value}`;
    super(`${url}: "${dim}"${what}: ${detail}`, options);
  }
}

/** No dimension was found whose coordinate values differ across the files. */
export class ConcatDimNotFoundError extends CombineError {
  override name = "ConcatDimNotFoundError";
}

/**
 * Files pack an array with different scale_factor/add_offset and the caller asked not to carry them per file
 * (`packing: "refuse"`): names each file's coefficients.
 */
export class PackingMismatchError extends CombineError {
  override name = "PackingMismatchError";
  constructor(
    readonly arrayPath: string,
    readonly files: ReadonlyArray<{ url: string; scaleFactor: number | null; addOffset: number | null }>,
  ) {
    const shown = files
      .slice(0, 5)
      .map(
        (f) => `${f.url}: scale_factor ${f.scaleFactor ?? "(none)"}, add_offset ${f.addOffset ?? "(none)"}`,
      );
    const more = files.length > 5 ? `; and ${files.length - 5} more` : "";
    super(
      `array "${arrayPath}": files pack it with different scale_factor/add_offset (${shown.join("; ")}${more}); ` +
        `no single pair is right for every file. Set references.packing to "per-file" to carry them per file ` +
        `(${arrayPath}_scale_factor and ${arrayPath}_add_offset along the concat dimensions)`,
    );
  }
}

registerErrors({
  CombineError,
  ArrayMismatchError,
  IdenticalArrayError,
  ChunkAlignmentError,
  CoordinateError,
  TimeEncodingError,
  ConcatDimNotFoundError,
  PackingMismatchError,
});
