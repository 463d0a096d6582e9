import { MemorySource } from "../../refs/storage/memory.js";
import type { ByteSource } from "../../refs/storage/types.js";

/** An open(url) over in-memory objects; counts fetches per URL. */
export function memoryOpener(objects: Record<string, Uint8Array>) {
  const fetches = new Map<string, number>();
  const open = (url: string): ByteSource => {
    const bytes = objects[url];
    if (!bytes) throw new Error(`no object ${url}`);
    const source = new MemorySource(url, bytes);
    return {
      url,
      size: () => source.size(),
      fetch: (offset: number, length: number) => {
        fetches.set(url, (fetches.get(url) ?? 0) + 1);
        return source.fetch(offset, length);
      },
    };
  };
  return { open, fetches };
}

/** Little helper: concatenate byte arrays, returning the whole and each part's offset. */
export function concat(parts: Uint8Array[]): { bytes: Uint8Array; offsets: number[] } {
  const offsets: number[] = [];
  let size = 0;
  for (const p of parts) {
    offsets.push(size);
    size += p.length;
  }
  const bytes = new Uint8Array(size);
  parts.forEach((p, i) => {
    bytes.set(p, offsets[i]);
  });
  return { bytes, offsets };
}
