/**
 * geotiff.js reads through a "BaseSource" (fetch(slices) -> ArrayBuffers). This adapter serves it from our
 * ByteSource: ranges past the end are clamped (geotiff.js asks for fixed-size header blocks even in tiny files),
 * and reads go through the scan's one cache (scan-source.ts) so IFDs, tags and tile tables of a remote file cost
 * a few requests.
 */
import type { ByteSource } from "../../refs/storage/index.js";
import type { ScanBudget } from "../budget.js";
import { BLOCK_BYTES, type ReadPlan, ScanSource } from "../scan-source.js";

/**
 * How TIFF reads: aligned 64 KiB spans (IFDs, tag values and tile tables lie together), at most 4 MiB kept
 * (strips read to inline them pass through), reads over 1 MiB around the cache, ranges merged only when they
 * touch (merging across a gap would read bytes no structure holds).
 */
export const TIFF_PLAN: ReadPlan = {
  fetchBytes: 16 * BLOCK_BYTES,
  maxBytes: 4 * 1024 * 1024,
  bypassBytes: 1024 * 1024,
  gapBytes: 0,
  maxMergedBytes: 8 * 1024 * 1024,
};

export interface GeoTiffSource {
  fetch(slices: { offset: number; length: number }[], signal?: AbortSignal): Promise<ArrayBuffer[]>;
  readonly fileSize: number | null;
  close(): Promise<void>;
}

export async function geotiffSource(
  source: ByteSource,
  budget?: ScanBudget,
): Promise<{ geotiff: GeoTiffSource; cached: ByteSource; size: number }> {
  const cached = ScanSource.of(source, budget);
  cached.plan(TIFF_PLAN);
  const size = await cached.size();
  const geotiff: GeoTiffSource = {
    fileSize: size,
    async fetch(slices, signal) {
      return Promise.all(
        slices.map(async ({ offset, length }) => {
          const n = Math.max(0, Math.min(length, size - offset));
          const bytes = await cached.fetch(offset, n, { signal });
          const copy = new Uint8Array(n);
          copy.set(bytes);
          return copy.buffer;
        }),
      );
    },
    async close() {},
  };
  return { geotiff, cached, size };
}
