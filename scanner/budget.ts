/**
 * A per-file memory budget for a scan: every byte the scanner asks its source for, and every chunk table it is
 * about to allocate, is charged before it happens, so a file whose metadata asks for more (a chain of huge
 * structures, a grid of billions of chunks) fails alone with ScanBudgetError instead of taking the process down.
 */
import { ChunkTable } from "../refs/model/index.js";
import type { ByteSource, ReadOptions } from "../refs/storage/index.js";
import { ScanError } from "./errors.js";

/** Default budget of one file's scan: far above any real file's metadata, far below what hurts a machine. */
export const DEFAULT_SCAN_MEMORY_BUDGET = 256 * 2 ** 20;

/** Bytes a chunk table holds per chunk: path index (4), offset (8), length (8). */
const CHUNK_ENTRY_BYTES = 20;

/** A file's scan would read or allocate more than its budget. */
export class ScanBudgetError extends ScanError {
  override name = "ScanBudgetError";
  constructor(
    url: string,
    object: string,
    readonly what: string,
    readonly requested: number,
    readonly used: number,
    readonly budget: number,
  ) {
    super(
      url,
      object,
      `${what} needs ${requested} bytes, past the scan's memory budget of ${budget} bytes (${used} used): ` +
        "a hostile or damaged file, or raise memoryBudget",
    );
  }
}

export class ScanBudget {
  used = 0;

  constructor(
    readonly url: string,
    readonly budget: number = DEFAULT_SCAN_MEMORY_BUDGET,
  ) {}

  /** Charges `bytes` for `what` (of `object`), or throws ScanBudgetError when they do not fit. */
  take(bytes: number, what: string, object = ""): void {
    if (!Number.isFinite(bytes) || bytes < 0 || this.used + bytes > this.budget) {
      throw new ScanBudgetError(this.url, object, what, bytes, this.used, this.budget);
    }
    this.used += bytes;
  }
}

/** A chunk table of `grid` chunks, charged to `budget` (when there is one) before it is allocated. */
export function budgetedChunkTable(
  budget: ScanBudget | undefined,
  grid: readonly number[],
  object: string,
): ChunkTable {
  const count = grid.reduce((a, b) => a * b, 1);
  budget?.take(count * CHUNK_ENTRY_BYTES, `a chunk table of ${count} chunks`, object);
  return new ChunkTable(grid);
}

/** Charges every read to the budget before it is made (what a scanner requests, cached or not). */
export class BudgetedSource implements ByteSource {
  constructor(
    readonly inner: ByteSource,
    readonly budget: ScanBudget,
  ) {}

  get url(): string {
    return this.inner.url;
  }

  size(options?: ReadOptions): Promise<number> {
    return this.inner.size(options);
  }

  async fetch(offset: number, length: number, options?: ReadOptions): Promise<Uint8Array> {
    this.budget.take(length, `reading ${length} bytes at byte offset ${offset}`);
    return this.inner.fetch(offset, length, options);
  }
}
