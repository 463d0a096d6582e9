/**
 * geotiff.js reads through a "BaseSource" (fetch(slices) -> ArrayBuffers). This adapter serves it from our
 * ByteSource: ranges past the end are clamped (geotiff.js asks for fixed-size header blocks even in tiny files),
 * and reads go through a block cache so IFDs, tags and tile tables of a remote file cost a few requests.
 */
import { BlockCacheSource, type ByteSource } from "../../refs/storage/index.js";

export interface GeoTiffSource {
  fetch(slices: { offset: number; length: number }[], signal?: AbortSignal): Promise<ArrayBuffer[]>;
  readonly fileSize: number | null;
  close(): Promise<void>;
}

export async function geotiffSource(
  source: ByteSource,
  blockSize = 64 * 1024,
): Promise<{ geotiff: GeoTiffSource; cached: ByteSource; size: number }> {
  const cached = new BlockCacheSource(source, {
    blockSize,
    maxBytes: 64 * blockSize,
    bypassBytes: 16 * blockSize,
  });
  const size = await source.size();
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
