/**
 * A chunk that decodes to more or fewer bytes than its chunk shape x item size is refused with a ChunkSizeError,
 * through readArray (any codec) and through zarrita over a ReferenceStore (chunks stored uncompressed). Before,
 * zarrita read a short chunk as zeros past its end and cut a long one (readArray refused both, with a plain
 * ChunkReadError). Whole chunks, edge chunks stored whole, inline chunks and missing chunks still read.
 */
import { deflateSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import * as zarr from "zarrita";
import { ChunkTable, type JsonObject, type ReferenceSet } from "../../refs/model/reference-set.js";
import "../../refs/store/codecs/index.js";
import { ChunkReadError, ChunkSizeError } from "../../refs/store/errors.js";
import { readArray } from "../../refs/store/read-array.js";
import { registerCodecsWithZarrita } from "../../refs/store/zarrita-codecs.js";
import { ReferenceStore } from "../../refs/store/zarrita-store.js";
import { memoryOpener } from "./helpers.js";

registerCodecsWithZarrita();

const int32 = (...values: number[]) => new Uint8Array(new Int32Array(values).buffer);

/** Array "a" of shape [6], chunks of 4 (the second an edge chunk), given chunk bytes: one in a file, one inline. */
function refsOf(
  first: Uint8Array | undefined,
  second: Uint8Array | undefined,
  compressor: JsonObject | null,
) {
  const table = new ChunkTable([2]);
  if (first) table.set(0, { kind: "range", url: "mem://f", offset: 0, length: first.length });
  if (second) table.set(1, { kind: "inline", data: second });
  const refs: ReferenceSet = {
    metadata: new Map<string, JsonObject>([
      [".zgroup", { zarr_format: 2 }],
      [
        "a/.zarray",
        {
          zarr_format: 2,
          shape: [6],
          chunks: [4],
          dtype: "<i4",
          order: "C",
          fill_value: -1,
          filters: null,
          compressor,
        },
      ],
    ]),
    arrays: new Map([["a", table]]),
  };
  return { refs, ...memoryOpener({ "mem://f": first ?? new Uint8Array() }) };
}

const zlib = (b: Uint8Array) => new Uint8Array(deflateSync(b));

async function viaZarrita(refs: ReferenceSet, open: ReturnType<typeof memoryOpener>["open"]) {
  const array = await zarr.open.v2(zarr.root(new ReferenceStore(refs, { open })).resolve("a"), {
    kind: "array",
  });
  return Array.from(((await zarr.get(array)) as { data: Int32Array }).data);
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => new Error("no error"),
    (e: Error) => e,
  );
}

/** The ChunkSizeError in an error's cause chain (zarrita wraps a codec's error in its CodecPipelineError). */
function sizeError(error: unknown): ChunkSizeError | undefined {
  for (let e = error; e instanceof Error; e = e.cause) if (e instanceof ChunkSizeError) return e;
  return undefined;
}

describe("a decoded chunk of the wrong length", () => {
  const cases = [
    { name: "short, uncompressed", bytes: int32(1, 2), compressor: null, actual: 8 },
    { name: "long, uncompressed", bytes: int32(1, 2, 3, 4, 5, 6), compressor: null, actual: 24 },
    {
      name: "not a whole number of items",
      bytes: int32(1, 2, 3, 4, 5).slice(0, 17),
      compressor: null,
      actual: 17,
    },
    { name: "short after zlib", bytes: zlib(int32(1, 2)), compressor: { id: "zlib", level: 1 }, actual: 8 },
    {
      name: "long after zlib",
      bytes: zlib(int32(1, 2, 3, 4, 5)),
      compressor: { id: "zlib", level: 1 },
      actual: 20,
    },
  ];

  for (const c of cases) {
    it(`${c.name}: readArray throws ChunkSizeError naming the array, key, URL and sizes`, async () => {
      const second = c.compressor ? zlib(int32(5, 6, 0, 0)) : int32(5, 6, 0, 0);
      const { refs, open } = refsOf(c.bytes, second, c.compressor);
      const error = await failure(readArray(refs, "a", { open }));
      expect(error).toBeInstanceOf(ChunkSizeError);
      expect(error).toBeInstanceOf(ChunkReadError);
      const e = error as ChunkSizeError;
      expect([e.key, e.arrayPath, e.url, e.expectedBytes, e.actualBytes]).toEqual([
        "a/0",
        "a",
        "mem://f",
        16,
        c.actual,
      ]);
      expect(e.message).toMatch(
        new RegExp(`^chunk a/0 \\(mem://f\\): decoded to ${c.actual} bytes, expected 16`),
      );
    });

    // zarrita's codec pipeline has no hook after decompression: only chunks stored uncompressed are checked
    // (by ReferenceStore); a compressed chunk of the wrong length is still read by zarrita as it decodes.
    if (c.compressor === null) {
      it(`${c.name}: zarrita over ReferenceStore throws ChunkSizeError instead of zeros or a cut chunk`, async () => {
        const { refs, open } = refsOf(c.bytes, int32(5, 6, 0, 0), c.compressor);
        const e = sizeError(await failure(viaZarrita(refs, open)));
        expect([e?.key, e?.arrayPath, e?.url, e?.expectedBytes, e?.actualBytes]).toEqual([
          "a/0",
          "a",
          "mem://f",
          16,
          c.actual,
        ]);
      });
    }
  }

  it("an inline chunk of the wrong length is refused too", async () => {
    const { refs, open } = refsOf(int32(1, 2, 3, 4), int32(5, 6), null);
    const error = await failure(readArray(refs, "a", { open }));
    expect(error).toBeInstanceOf(ChunkSizeError);
    expect([(error as ChunkSizeError).key, (error as ChunkSizeError).url]).toEqual(["a/1", undefined]);
    expect(sizeError(await failure(viaZarrita(refs, open)))?.actualBytes).toBe(8);
  });

  it("whole chunks, an edge chunk stored whole (inline), and a missing chunk (fill) still read", async () => {
    for (const compressor of [null, { id: "zlib", level: 1 }]) {
      const pack = compressor ? zlib : (b: Uint8Array) => b;
      const full = refsOf(pack(int32(1, 2, 3, 4)), pack(int32(5, 6, 0, 0)), compressor);
      expect(Array.from((await readArray(full.refs, "a", { open: full.open })).data as Int32Array)).toEqual([
        1, 2, 3, 4, 5, 6,
      ]);
      expect(await viaZarrita(full.refs, full.open)).toEqual([1, 2, 3, 4, 5, 6]);
      const missing = refsOf(pack(int32(1, 2, 3, 4)), undefined, compressor);
      expect(
        Array.from((await readArray(missing.refs, "a", { open: missing.open })).data as Int32Array),
      ).toEqual([1, 2, 3, 4, -1, -1]);
      expect(await viaZarrita(missing.refs, missing.open)).toEqual([1, 2, 3, 4, -1, -1]);
    }
  });
});
