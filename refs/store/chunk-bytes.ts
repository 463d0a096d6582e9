import type { ChunkRef } from "../model/index.js";
import { type ByteSource, type CoalesceOptions, CoalescingSource } from "../storage/index.js";

export type OpenSource = (url: string) => ByteSource;

/**
 * Opens each URL once and reads a chunk's bytes: a range, a whole object, or inline data. Each source is wrapped
 * once in refs/storage's CoalescingSource (unless `coalesce` is false), so ranges of one URL asked for at about
 * the same time are merged into few requests: the one place reads through references are merged.
 */
export class ChunkFetcher {
  private readonly sources = new Map<string, ByteSource>();

  constructor(
    private readonly open: OpenSource,
    private readonly coalesce: CoalesceOptions | false = {},
  ) {}

  source(url: string): ByteSource {
    let source = this.sources.get(url);
    if (!source) {
      const opened = this.open(url);
      source = this.coalesce === false ? opened : new CoalescingSource(opened, this.coalesce);
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
