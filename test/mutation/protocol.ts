/** Messages between the mutation suite's runner and its child processes. */
export type Outcome =
  /** The scan failed with a ScanError naming the file and the structure (object or IFD, and offset). */
  | "clean-error"
  /** A ScanError that names no structure or offset. */
  | "unnamed-error"
  /** Every comparable array read back through the references equals the independent reader. */
  | "equal"
  /** Scanned; our read-back and the independent reader both fail on the data (corrupt chunks). */
  | "both-refuse"
  /**
   * Scanned, but reading back refuses a chunk with a ChunkSizeError (array, chunk key, expected and decoded
   * bytes) where the independent reader returns values: geotiff.js pads a tile that decodes short, so its values
   * past the end are made up. Loud at read time, never silently wrong.
   */
  | "read-refused"
  /** Scanned, but no array could be compared (or the independent reader hung). */
  | "unverified"
  /** Scanned (exit 0) but values read back differ, or cannot be read where the reader reads them. */
  | "wrong"
  /** An exception that is not a ScanError: a stack trace for the user. */
  | "crash"
  /** Scan or read-back took longer than the time bound. */
  | "hang"
  /** Scan or read-back took the process over the memory bound. */
  | "over-memory";

export const OUTCOMES: Outcome[] = [
  "clean-error",
  "unnamed-error",
  "equal",
  "both-refuse",
  "read-refused",
  "unverified",
  "wrong",
  "crash",
  "hang",
  "over-memory",
];

export interface Job {
  id: number;
  format: string;
  /** The mutant on disk. */
  path: string;
  /** The file it was made from. */
  original: string;
}

export type Phase = "ready" | "scan" | "readback";

/** Values of one array read back through the references, or why they could not be. */
export interface ReadBack {
  path: string;
  shape: number[];
  values?: ArrayLike<unknown>;
  error?: string;
  /** The error's class name (ChunkSizeError: a chunk decoded to the wrong length). */
  errorName?: string;
}

export type SubjectMessage =
  | { id: number; phase: Phase }
  | { id: number; outcome: Outcome; detail: string }
  | { id: number; arrays: ReadBack[] };

export interface JudgeRequest {
  job: Job;
  arrays: ReadBack[];
}

export type JudgeResult = { id: number; outcome: Outcome; detail: string };
