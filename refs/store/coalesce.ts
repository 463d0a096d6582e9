/**
 * Range coalescing: byte ranges of one URL that lie close together are read with one request and sliced. Object
 * stores charge per request and NetCDF3 record variables have one small chunk per record, so this turns
 * thousands of reads into a few.
 */
export interface RangeRequest<T> {
  url: string;
  offset: number;
  length: number;
  item: T;
}

export interface CoalescedRead<T> {
  url: string;
  offset: number;
  length: number;
  /** The requests served by this read, with their offset relative to the read's start. */
  parts: Array<{ at: number; request: RangeRequest<T> }>;
}

export interface CoalesceOptions {
  /** Largest gap of unwanted bytes read to join two ranges (default 32 KiB). */
  maxGap?: number;
  /** Largest single read (default 8 MiB); a single range larger than this is read on its own. */
  maxSize?: number;
}

export function coalesce<T>(
  requests: Iterable<RangeRequest<T>>,
  options: CoalesceOptions = {},
): CoalescedRead<T>[] {
  const maxGap = options.maxGap ?? 32 * 1024;
  const maxSize = options.maxSize ?? 8 * 1024 * 1024;
  const byUrl = new Map<string, RangeRequest<T>[]>();
  for (const r of requests) {
    const list = byUrl.get(r.url);
    if (list) list.push(r);
    else byUrl.set(r.url, [r]);
  }
  const reads: CoalescedRead<T>[] = [];
  for (const [url, list] of byUrl) {
    list.sort((a, b) => a.offset - b.offset);
    let current: CoalescedRead<T> | undefined;
    for (const request of list) {
      const end = request.offset + request.length;
      if (current) {
        const currentEnd = current.offset + current.length;
        const joined = Math.max(end, currentEnd) - current.offset;
        if (request.offset - currentEnd <= maxGap && joined <= maxSize) {
          current.length = joined;
          current.parts.push({ at: request.offset - current.offset, request });
          continue;
        }
      }
      current = { url, offset: request.offset, length: request.length, parts: [{ at: 0, request }] };
      reads.push(current);
    }
  }
  return reads;
}
