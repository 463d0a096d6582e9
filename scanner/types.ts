import type { ReferenceSet } from "../refs/model/index.js";
import type { ByteSource } from "../refs/storage/index.js";
import type { ScanBudget } from "./budget.js";

/** What to do when one object of a file can't be referenced (unsupported filter, object references, ...). */
export type OnError = "raise" | "warn" | "skip";

export interface ScanOptions {
  /** Chunks (and compact datasets) smaller than this many bytes are inlined into the references. Default 500. */
  inlineThreshold?: number;
  /** "raise" (default) stops at the first problem; "warn"/"skip" leave the object out and report it. */
  onError?: OnError;
  /** NetCDF3: cut fixed variables larger than this many bytes along their first axis (0 = never). */
  maxChunkBytes?: number;
  signal?: AbortSignal;
  /**
   * scanFile only: give up on a file after this many milliseconds (its reads are aborted), so one stalled or
   * hostile file fails alone with a ScanError instead of holding a scan. Unbounded when absent.
   */
  timeoutMs?: number;
  /**
   * scanFile only: bytes one file's scan may read and allocate for chunk tables (default 256 MiB); past it the
   * file fails with ScanBudgetError, naming what asked for more.
   */
  memoryBudget?: number;
  /** The budget being charged (set by scanFile; scanners charge their chunk tables to it). */
  budget?: ScanBudget;
}

/** Something left out of, or changed in, the references, with the object it concerns. */
export interface ScanIssue {
  /** Path of the object inside the file ("/group/var"), or "" for the file itself. */
  object: string;
  /** Short name of the feature involved ("szip filter", "object reference", ...). */
  feature: string;
  message: string;
}

export interface ScanResult {
  refs: ReferenceSet;
  /** Objects left out (onError warn|skip) or handled with a caveat. */
  issues: ScanIssue[];
}

/**
 * Every format module exports a scanner of this shape. `url` is written into the references (it may differ
 * from `source.url`, e.g. when a local copy stands in for a remote object).
 */
export type Scanner = (source: ByteSource, url: string, options?: ScanOptions) => Promise<ScanResult>;
