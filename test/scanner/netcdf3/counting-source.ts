/** Test helper: a ByteSource wrapper counting requests and bytes, to prove scans read headers only. */
import type { ByteSource, ReadOptions } from "../../../refs/storage/types.js";

export class CountingSource implements ByteSource {
  requests = 0;
  bytes = 0;
  constructor(private readonly inner: ByteSource) {}
  get url(): string {
    return this.inner.url;
  }
  size(options?: ReadOptions): Promise<number> {
    return this.inner.size(options);
  }
  async fetch(offset: number, length: number, options?: ReadOptions): Promise<Uint8Array> {
    this.requests++;
    this.bytes += length;
    return this.inner.fetch(offset, length, options);
  }
}
