import type { ChunkRef } from "../model/index.js";
import type { ByteSource } from "../storage/index.js";

export type OpenSource = (url: string) => ByteSource;

/** Opens each URL once and reads a chunk's bytes: a range, a whole object, or inline data. */
export class ChunkFetcher {
  private readonly sources = new Map<string, ByteSource>();

  constructor(private readonly open: OpenSource) {}

  source(url: string): ByteSource {
    let source = this.sources.get(url);
    if (!source) {
      source = this.open(url);
      this.sources.set(url, source);
    }
    return source;
  }

  async bytes(ref: ChunkRef): Promise<Uint8Array> {
    if (ref.kind === "inline") return ref.data;
    const source = this.source(ref.url);
    if (ref.kind === "range") return source.fetch(ref.offset, ref.length);
    // A whole-file reference means the entire object, whatever its size.
    return source.fetch(0, await source.size());
  }
}
