import { deflateSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { ChunkTable, type JsonObject, type ReferenceSet } from "../../refs/model/reference-set.js";
import "../../refs/store/codecs/index.js";
import { readKerchunkJson } from "../../refs/formats/kerchunk-json.js";
import { getCodec } from "../../refs/store/codecs/index.js";
import { readArray } from "../../refs/store/read-array.js";
import { concat, memoryOpener } from "./helpers.js";

/** A reference set with one array whose chunks are given as bytes (undefined = missing). */
function oneArray(zarray: JsonObject, chunks: Array<Uint8Array | undefined>, inlineIndexes: number[] = []) {
  const present = chunks.filter((c): c is Uint8Array => c !== undefined);
  const { bytes, offsets } = concat(present);
  const shape = zarray.shape as number[];
  const sizes = zarray.chunks as number[];
  const table = new ChunkTable(shape.map((n, i) => Math.ceil(n / (sizes[i] as number))));
  let k = 0;
  chunks.forEach((c, flat) => {
    if (!c) return;
    const i = k++;
    if (inlineIndexes.includes(flat)) table.set(flat, { kind: "inline", data: c });
    else table.set(flat, { kind: "range", url: "mem://a", offset: offsets[i] as number, length: c.length });
  });
  const refs: ReferenceSet = {
    metadata: new Map([
      [".zgroup", { zarr_format: 2 }],
      [
        "a/.zarray",
        { zarr_format: 2, order: "C", filters: null, compressor: null, fill_value: 0, ...zarray },
      ],
    ]),
    arrays: new Map([["a", table]]),
  };
  return { refs, ...memoryOpener({ "mem://a": bytes }) };
}

/** The C-order chunk of `chunkShape` at chunk coords, from a full array given by value(i, j). */
function chunk2d(ci: number, cj: number, ch: number, cw: number, value: (i: number, j: number) => number) {
  const out = new Int16Array(ch * cw);
  for (let i = 0; i < ch; i++) for (let j = 0; j < cw; j++) out[i * cw + j] = value(ci * ch + i, cj * cw + j);
  return out;
}

describe("readArray", () => {
  const value = (i: number, j: number) => i * 100 + j;

  it("assembles a 5x7 <i2 array from 2x3 chunks: zlib+shuffle, missing chunks -> fill, edge chunks cropped", async () => {
    const shuffle = await getCodec({ id: "shuffle", elementsize: 2 });
    const chunks: Array<Uint8Array | undefined> = [];
    for (let ci = 0; ci < 3; ci++)
      for (let cj = 0; cj < 3; cj++) {
        if (ci === 1 && cj === 2) chunks.push(undefined);
        else {
          const raw = new Uint8Array(chunk2d(ci, cj, 2, 3, value).buffer);
          chunks.push(new Uint8Array(deflateSync(await shuffle.encode!(raw))));
        }
      }
    const { refs, open } = oneArray(
      {
        shape: [5, 7],
        chunks: [2, 3],
        dtype: "<i2",
        fill_value: -9,
        filters: [
          { id: "shuffle", elementsize: 2 },
          { id: "zlib", level: 1 },
        ],
      },
      chunks,
      [4],
    );
    const result = await readArray(refs, "a", { open });
    expect(result.shape).toEqual([5, 7]);
    const expected = new Int16Array(35);
    for (let i = 0; i < 5; i++)
      for (let j = 0; j < 7; j++) expected[i * 7 + j] = i >= 2 && i < 4 && j >= 6 ? -9 : value(i, j);
    expect(result.data).toEqual(expected);

    const region = await readArray(refs, "a", {
      open,
      region: [
        [1, 4],
        [2, 7],
      ],
      concurrency: 2,
    });
    expect(region.shape).toEqual([3, 5]);
    expect(Array.from(region.data as Int16Array)).toEqual(
      [1, 2, 3].flatMap((i) => [2, 3, 4, 5, 6].map((j) => expected[i * 7 + j])),
    );
  });

  it("reads big-endian doubles, NaN fill values, and F-ordered chunks", async () => {
    const be = new Uint8Array(6 * 8);
    const view = new DataView(be.buffer);
    // F order chunk 2x3: element (i, j) at j*2 + i
    for (let i = 0; i < 2; i++)
      for (let j = 0; j < 3; j++) view.setFloat64((j * 2 + i) * 8, i + j / 10, false);
    const { refs, open } = oneArray(
      { shape: [4, 3], chunks: [2, 3], dtype: ">f8", fill_value: "NaN", order: "F" },
      [be, undefined],
    );
    const { data } = await readArray(refs, "a", { open });
    expect(Array.from(data as Float64Array).slice(0, 6)).toEqual([0, 0.1, 0.2, 1, 1.1, 1.2]);
    expect(
      Array.from(data as Float64Array)
        .slice(6)
        .every(Number.isNaN),
    ).toBe(true);
  });

  it("reads <i8 as BigInt64Array, |b1, |S fixed strings with base64 fill, and vlen-utf8 objects", async () => {
    const i8 = oneArray({ shape: [3], chunks: [2], dtype: "<i8", fill_value: 5 }, [
      new Uint8Array(new BigInt64Array([-(2n ** 62n), 7n]).buffer),
      undefined,
    ]);
    expect((await readArray(i8.refs, "a", { open: i8.open })).data).toEqual(
      new BigInt64Array([-(2n ** 62n), 7n, 5n]),
    );

    const b1 = oneArray({ shape: [3], chunks: [3], dtype: "|b1", fill_value: false }, [
      new Uint8Array([1, 0, 1]),
    ]);
    expect(Array.from((await readArray(b1.refs, "a", { open: b1.open })).data as Uint8Array)).toEqual([
      1, 0, 1,
    ]);

    const s = oneArray(
      { shape: [4], chunks: [2], dtype: "|S3", fill_value: Buffer.from("xy").toString("base64") },
      [new Uint8Array(Buffer.from("ab\0cde")), undefined],
    );
    expect((await readArray(s.refs, "a", { open: s.open })).data).toEqual(["ab", "cde", "xy", "xy"]);

    const items = ["héllo", "", "wörld"];
    const parts = [Buffer.from([3, 0, 0, 0])];
    for (const t of items) {
      const b = Buffer.from(t);
      parts.push(Buffer.from([b.length, 0, 0, 0]), b);
    }
    const o = oneArray(
      { shape: [3], chunks: [3], dtype: "|O", filters: [{ id: "vlen-utf8" }], fill_value: null },
      [new Uint8Array(Buffer.concat(parts))],
    );
    expect((await readArray(o.refs, "a", { open: o.open })).data).toEqual(items);
  });

  it("keeps 64-bit integer fill values exact when read from kerchunk JSON text", async () => {
    const refs = readKerchunkJson(
      '{"version": 1, "refs": {"u/.zarray": "{\\"chunks\\":[2],\\"compressor\\":null,\\"dtype\\":\\"<u8\\",\\"fill_value\\":18446744073709551614,\\"filters\\":null,\\"order\\":\\"C\\",\\"shape\\":[2],\\"zarr_format\\":2}"}}',
    );
    const { data } = await readArray(refs, "u", { open: memoryOpener({}).open });
    expect(data).toEqual(new BigUint64Array([18446744073709551614n, 18446744073709551614n]));
  });

  it("reads json2 object chunks and a 0-d array", async () => {
    const json = Buffer.from(JSON.stringify(["x", "yz", "|O", [2]]));
    const o = oneArray(
      { shape: [2], chunks: [2], dtype: "|O", filters: [{ id: "json2" }], fill_value: null },
      [new Uint8Array(json)],
    );
    expect((await readArray(o.refs, "a", { open: o.open })).data).toEqual(["x", "yz"]);
    const scalar = oneArray({ shape: [], chunks: [], dtype: "<f4" }, [
      new Uint8Array(new Float32Array([2.5]).buffer),
    ]);
    const r = await readArray(scalar.refs, "a", { open: scalar.open });
    expect(r.shape).toEqual([]);
    expect(Array.from(r.data as Float32Array)).toEqual([2.5]);
  });

  it("whole-file references read the whole object", async () => {
    const data = new Uint8Array(new Int32Array([1, 2, 3, 4]).buffer);
    const table = new ChunkTable([1]);
    table.set(0, { kind: "file", url: "mem://whole" });
    const refs: ReferenceSet = {
      metadata: new Map([
        [
          "v/.zarray",
          {
            shape: [4],
            chunks: [4],
            dtype: "<i4",
            compressor: null,
            filters: null,
            fill_value: 0,
            order: "C",
            zarr_format: 2,
          },
        ],
      ]),
      arrays: new Map([["v", table]]),
    };
    const { open } = memoryOpener({ "mem://whole": data });
    expect((await readArray(refs, "v", { open })).data).toEqual(new Int32Array([1, 2, 3, 4]));
  });

  it("errors name the chunk key: codec failures, short chunks, bad regions", async () => {
    const bad = oneArray({ shape: [2], chunks: [2], dtype: "<i4", compressor: { id: "zlib" } }, [
      new Uint8Array([1, 2, 3]),
    ]);
    await expect(readArray(bad.refs, "a", { open: bad.open })).rejects.toThrow(/codec "zlib" failed on a\/0/);
    const short = oneArray({ shape: [2], chunks: [2], dtype: "<i4" }, [new Uint8Array(4)]);
    await expect(readArray(short.refs, "a", { open: short.open })).rejects.toThrow(
      /chunk a\/0.*decoded to 4 bytes, expected 8/,
    );
    await expect(readArray(short.refs, "a", { open: short.open, region: [[0, 3]] })).rejects.toThrow(
      /outside dimension 0/,
    );
    await expect(readArray(short.refs, "nope", { open: short.open })).rejects.toThrow(
      /array "nope": no .zarray/,
    );
  });
});
