/**
 * Reads through references are merged once: the pipelines' chunk sources carry retries, limits and timeouts but
 * no coalescing or block cache, because refs/store merges each source's ranges itself (ChunkFetcher).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { sourceOpener } from "../../pipelines/phases/open-sources.js";
import { ChunkTable, type ReferenceSet } from "../../refs/model/index.js";
import type { StackedSource } from "../../refs/storage/index.js";
import { readArray } from "../../refs/store/index.js";

const dir = mkdtempSync(join(tmpdir(), "refs-open-sources-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("sourceOpener", () => {
  it("opens one source per URL without coalescing or cache; readArray still merges neighbouring chunks once", async () => {
    const path = join(dir, "v.bin");
    writeFileSync(path, new Uint8Array(new Int32Array(Array.from({ length: 100 }, (_, i) => i)).buffer));
    const table = new ChunkTable([10]);
    for (let i = 0; i < 10; i++) table.set(i, { kind: "range", url: path, offset: i * 40, length: 40 });
    const zarray = {
      zarr_format: 2,
      shape: [100],
      chunks: [10],
      dtype: "<i4",
      compressor: null,
      filters: null,
    };
    const refs: ReferenceSet = {
      metadata: new Map([["v/.zarray", { ...zarray, fill_value: 0, order: "C" }]]),
      arrays: new Map([["v", table]]),
    };
    const open = sourceOpener({});
    const source = open(path) as StackedSource;
    expect(open(path)).toBe(source);
    expect(source.coalescer).toBeUndefined();
    expect(source.cache).toBeUndefined();
    const { data } = await readArray(refs, "v", { open });
    expect(Array.from(data as Int32Array)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(source.stats.requests).toBe(1);
    expect(source.stats.bytes).toBe(400);
  });
});
