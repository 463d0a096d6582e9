import { type CoalesceOptions, coalesce, type RangeRequest } from "./coalesce.js";

type Pending = { resolve: (b: Uint8Array) => void; reject: (e: unknown) => void };
type Fetch = (url: string, offset: number, length: number) => Promise<Uint8Array>;

/**
 * Collects the range reads issued in one turn of the event loop (zarrita asks for all chunks of a selection
 * at once) and serves them with coalesced reads: few requests, each chunk's bytes sliced out.
 */
export class RangeBatcher {
  private queue: Array<RangeRequest<Pending>> = [];
  private scheduled = false;

  constructor(
    private readonly fetch: Fetch,
    private readonly options: CoalesceOptions = {},
  ) {}

  read(url: string, offset: number, length: number): Promise<Uint8Array> {
    return new Promise((resolve, reject) => {
      this.queue.push({ url, offset, length, item: { resolve, reject } });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    const batch = this.queue;
    this.queue = [];
    this.scheduled = false;
    for (const read of coalesce(batch, this.options)) {
      this.fetch(read.url, read.offset, read.length).then(
        (bytes) => {
          for (const { at, request } of read.parts)
            request.item.resolve(bytes.subarray(at, at + request.length));
        },
        (error) => {
          if (read.parts.length === 1) read.parts[0]?.request.item.reject(error);
          // A joined read failed: retry each part alone so each failure belongs to its own chunk.
          else
            for (const { request } of read.parts)
              this.fetch(read.url, request.offset, request.length).then(
                request.item.resolve,
                request.item.reject,
              );
        },
      );
    }
  }
}
