/**
 * One suite, run against every store (memory, file, HTTP, S3, GCS): each store's test file is a few lines that
 * start its server and hand over a harness. Bytes are compared with the seeded payload byte for byte.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isError } from "../../refs/errors.js";
import { NotFoundError, RangeOutsideObjectError } from "../../refs/storage/errors.js";
import { identityChanges } from "../../refs/storage/identity.js";
import type { ObjectInfo, ObjectStore, SourceIdentity } from "../../refs/storage/types.js";

export interface StoreHarness {
  store: ObjectStore;
  /** URL prefix ending in "/" under which `put` places keys, e.g. "s3://bucket/" */
  base: string;
  /** Seeds an object outside the store under test (server map, SDK, fs); defaults to store.write. */
  put?(key: string, bytes: Uint8Array): Promise<void>;
  /** HTTP cannot write. */
  canWrite: boolean;
  /** `?` is no wildcard in this store's globs (http/https: it starts the query string). */
  questionMarkStartsQuery?: boolean;
  close(): Promise<void>;
}

/** Deterministic pseudo-random bytes (xorshift), so a wrong offset never reads equal bytes by chance. */
export function payload(size: number, seed = 1): Uint8Array {
  const out = new Uint8Array(size);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

export const SIZE = 300_001;
const LIST_KEYS = [
  "list/2021/01/x.nc",
  "list/2021/02/y.nc",
  "list/2022/01/a.nc",
  "list/2022/01/b.txt",
  "list/2022/c.nc",
  "list/top.nc",
  "list/z1.nc",
  "list/z10.nc",
  "list/z2.nc",
];

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected a rejection");
}

export function describeStoreConformance(name: string, makeHarness: () => Promise<StoreHarness>): void {
  describe(`${name} store conformance`, () => {
    let h: StoreHarness;
    const data = payload(SIZE);
    const url = (key: string) => h.base + key;
    const put = (key: string, bytes: Uint8Array) =>
      h.put ? h.put(key, bytes) : h.store.write!(url(key), bytes);

    beforeAll(async () => {
      h = await makeHarness();
      await put("data/a.bin", data);
      await put("data/empty.bin", new Uint8Array(0));
      for (const [i, key] of LIST_KEYS.entries()) await put(key, payload(10 + i, i + 7));
    });
    afterAll(async () => h?.close());

    it("reports the size", async () => {
      expect(await h.store.open(url("data/a.bin")).size()).toBe(SIZE);
      expect(await h.store.open(url("data/empty.bin")).size()).toBe(0);
    });

    it.each([
      ["start", 0, 100],
      ["middle", 123_457, 4096],
      ["end", SIZE - 17, 17],
      ["single last byte", SIZE - 1, 1],
      ["whole object", 0, SIZE],
    ])("reads exact bytes at the %s", async (_label, offset, length) => {
      const bytes = await h.store.open(url("data/a.bin")).fetch(offset, length);
      expect(bytes.length).toBe(length);
      expect(Buffer.from(bytes).equals(Buffer.from(data.subarray(offset, offset + length)))).toBe(true);
    });

    it("reads many ranges concurrently from one source", async () => {
      const source = h.store.open(url("data/a.bin"));
      const ranges = Array.from({ length: 20 }, (_, i) => [i * 14_999, 1000 + i] as const);
      const results = await Promise.all(ranges.map(([o, l]) => source.fetch(o, l)));
      results.forEach((bytes, i) => {
        const [o, l] = ranges[i]!;
        expect(Buffer.from(bytes).equals(Buffer.from(data.subarray(o, o + l)))).toBe(true);
      });
    });

    it("returns empty arrays for zero-length reads inside the object", async () => {
      const source = h.store.open(url("data/a.bin"));
      expect((await source.fetch(0, 0)).length).toBe(0);
      expect((await source.fetch(5000, 0)).length).toBe(0);
      expect((await source.fetch(SIZE, 0)).length).toBe(0);
      expect((await h.store.open(url("data/empty.bin")).fetch(0, 0)).length).toBe(0);
    });

    it.each([
      ["reaching past the end", SIZE - 10, 20],
      ["starting past the end", SIZE + 5, 10],
      ["zero-length past the end", SIZE + 1, 0],
      ["negative offset", -1, 10],
    ])("throws RangeOutsideObjectError for a range %s", async (_label, offset, length) => {
      const error = await rejection(h.store.open(url("data/a.bin")).fetch(offset, length));
      expect(isError(error, RangeOutsideObjectError), String(error)).toBe(true);
      const range = error as RangeOutsideObjectError;
      expect(range.url).toBe(url("data/a.bin"));
      if (offset >= 0) expect(range.size).toBe(SIZE);
    });

    it("reads whole objects with readAll, byte for byte", async () => {
      const whole = await h.store.readAll(url("data/a.bin"));
      expect(whole.length).toBe(SIZE);
      expect(Buffer.from(whole).equals(Buffer.from(data))).toBe(true);
      expect((await h.store.readAll(url("data/empty.bin"))).length).toBe(0);
      const small = await h.store.readAll(url(LIST_KEYS[0]!));
      expect(Buffer.from(small).equals(Buffer.from(payload(10, 7)))).toBe(true);
    });

    it("readAll of a missing object throws NotFoundError naming the URL", async () => {
      const missing = url("data/missing.bin");
      const error = await rejection(h.store.readAll(missing));
      expect(isError(error, NotFoundError), String(error)).toBe(true);
      expect((error as NotFoundError).url).toBe(missing);
    });

    it("throws NotFoundError naming the URL for a missing object", async () => {
      const missing = url("data/missing.bin");
      for (const attempt of [() => h.store.open(missing).size(), () => h.store.open(missing).fetch(0, 10)]) {
        const error = await rejection(attempt());
        expect(isError(error, NotFoundError), String(error)).toBe(true);
        expect((error as NotFoundError).url).toBe(missing);
        expect((error as Error).message).toContain(missing);
      }
    });

    const globs: [string, string[]][] = [
      ["list/**/*.nc", LIST_KEYS.filter((k) => k.endsWith(".nc"))],
      ["list/*.nc", ["list/top.nc", "list/z1.nc", "list/z10.nc", "list/z2.nc"]],
      ["list/z?.nc", ["list/z1.nc", "list/z2.nc"]],
      ["list/{2021,2022}/01/*", ["list/2021/01/x.nc", "list/2022/01/a.nc", "list/2022/01/b.txt"]],
      ["list/2022/**", ["list/2022/01/a.nc", "list/2022/01/b.txt", "list/2022/c.nc"]],
      ["list/20[2][1]/0?/*.nc", ["list/2021/01/x.nc", "list/2021/02/y.nc"]],
      ["list/z1.nc", ["list/z1.nc"]],
      ["list/none/**/*.nc", []],
    ];
    it.each(globs)("lists %s in lexical order with sizes", async (glob, expected) => {
      // In an http(s) URL `?` starts the query string (as in fsspec): there the same glob says it as `[^/]`.
      const written = h.questionMarkStartsQuery ? glob.replaceAll("?", "[^/]") : glob;
      const found = await collect(h.store.list(url(written)));
      expect(found.map((o) => o.url)).toEqual(expected.map(url));
      for (const o of found) expect(o.size).toBe(10 + LIST_KEYS.indexOf(o.url.slice(h.base.length)));
    });

    it("lists nothing for a literal URL with no object", async () => {
      expect(await collect(h.store.list(url("list/missing.nc")))).toEqual([]);
    });

    it("lists a literal URL as that one object", async () => {
      const found = await collect(h.store.list(url("data/a.bin")));
      expect(found).toHaveLength(1);
      expect(found[0]).toMatchObject({ url: url("data/a.bin"), size: SIZE });
    });

    it("tells an object's version: the listing and a HEAD/stat agree, and an overwrite changes it", async () => {
      const source = h.store.open(url("data/a.bin"));
      const identity = await source.identity?.();
      expect(identity?.size).toBe(SIZE);
      const [listed] = await collect(h.store.list(url("data/a.bin")));
      const { url: _, ...fromListing } = listed as ObjectInfo;
      expect(identityChanges(identity as SourceIdentity, fromListing)).toEqual([]);
      if (!h.canWrite) return;
      const key = url("versions/v.bin");
      await h.store.write!(key, payload(300, 1));
      const before = (await h.store.open(key).identity?.()) as SourceIdentity;
      await new Promise((resolve) => setTimeout(resolve, 1100)); // mtime-only stores tick in seconds at worst
      await h.store.write!(key, payload(300, 2)); // same size, other bytes
      const after = (await h.store.open(key).identity?.()) as SourceIdentity;
      expect(identityChanges(before, after).map((c) => c.field)).not.toEqual([]);
      await h.store.delete?.(key);
    });

    it("writes, reads back, overwrites and deletes", async () => {
      if (!h.canWrite) return expect(h.store.write).toBeUndefined();
      const key = url("written/deep/new.bin");
      const first = payload(5000, 99);
      await h.store.write!(key, first);
      expect(Buffer.from(await h.store.open(key).fetch(0, 5000)).equals(Buffer.from(first))).toBe(true);
      const second = payload(70, 98);
      await h.store.write!(key, second);
      const source = h.store.open(key);
      expect(await source.size()).toBe(70);
      expect(Buffer.from(await source.fetch(10, 60)).equals(Buffer.from(second.subarray(10)))).toBe(true);
      await h.store.delete!(key);
      expect(isError(await rejection(h.store.open(key).size()), NotFoundError)).toBe(true);
      await h.store.delete!(key); // deleting again is not an error
    });
  });
}
