import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { deflateSync } from "node:zlib";
import h5wasm, { type Dataset } from "h5wasm/node";
import { describe, expect, it } from "vitest";
import type { JsonObject } from "../../refs/model/reference-set.js";
import { fletcher32 } from "../../refs/store/codecs/fletcher32.js";
import { CodecError, getCodec, UnknownCodecError } from "../../refs/store/codecs/index.js";
import { fixturesDir, haveFixtures } from "../fixtures.js";

const sample = new Uint8Array(4096).map((_, i) => (i * 7) % 251);

describe("built-in codecs", () => {
  it.each([
    { id: "zlib", level: 5 },
    { id: "gzip", level: 1 },
    { id: "shuffle", elementsize: 8 },
    { id: "shuffle", elementsize: 3 },
    { id: "fletcher32" },
    { id: "blosc", cname: "lz4", clevel: 5, shuffle: 1 },
    { id: "blosc", cname: "zstd", clevel: 3, shuffle: 2 },
    { id: "zstd", level: 3 },
    { id: "lz4" },
  ])("%o round-trips", async (config) => {
    const codec = await getCodec(config as unknown as JsonObject);
    const encoded = await codec.encode!(sample);
    expect(Buffer.compare(Buffer.from(encoded), Buffer.from(sample))).not.toBe(0);
    expect(await codec.decode(encoded)).toEqual(sample);
  });

  it("zlib decodes a stream made by node's deflate (independent encoder)", async () => {
    const codec = await getCodec({ id: "zlib" });
    expect(await codec.decode(new Uint8Array(deflateSync(sample)))).toEqual(sample);
  });

  it("shuffle groups byte b of each element together", async () => {
    const codec = await getCodec({ id: "shuffle", elementsize: 2 });
    // elements 0x0102, 0x0304 little-endian -> bytes 02 01 04 03 -> shuffled 02 04 01 03
    expect(await codec.decode(new Uint8Array([2, 4, 1, 3]))).toEqual(new Uint8Array([2, 1, 4, 3]));
  });

  it.skipIf(!haveFixtures)(
    "fletcher32 verifies the checksums HDF5 wrote (h5ex_d_checksum.h5, read by h5wasm)",
    async () => {
      const path = join(fixturesDir, "hdf5-json", "h5ex_d_checksum.h5");
      await h5wasm.ready;
      const file = new h5wasm.File(path, "r");
      const values = (file.get("DS1") as Dataset).value as Int32Array; // 32 x 64, chunks 4 x 8
      file.close();
      const bytes = readFileSync(path);
      const codec = await getCodec({ id: "fletcher32" });
      let checked = 0;
      for (const [r0, c0] of [
        [0, 0],
        [4, 8],
        [28, 56],
      ] as const) {
        const chunk = new Int32Array(32);
        for (let r = 0; r < 4; r++)
          for (let c = 0; c < 8; c++) chunk[r * 8 + c] = values[(r0 + r) * 64 + c0 + c] as number;
        const raw = new Uint8Array(chunk.buffer);
        const at = bytes.indexOf(Buffer.from(raw));
        expect(at).toBeGreaterThan(0);
        const stored = new Uint8Array(bytes.subarray(at, at + 132));
        expect(await codec.decode(stored)).toEqual(raw);
        checked++;
      }
      expect(checked).toBe(3);
    },
  );

  it("fletcher32 uses big-endian 16-bit words and detects corruption", async () => {
    // Worked by hand: words 0x6162 0x6364 0x6500 -> sum1 0x29C7, sum2 0x4FF0.
    expect(fletcher32(new TextEncoder().encode("abcde"))).toBe(0x4ff029c7);
    const codec = await getCodec({ id: "fletcher32" });
    const encoded = (await codec.encode!(sample)).slice();
    encoded[10] = (encoded[10] as number) ^ 1;
    await expect(async () => codec.decode(encoded)).rejects.toThrow(/checksum mismatch/);
  });

  it.skipIf(spawnSync("bzip2", ["--help"]).error !== undefined)(
    "bz2 decodes what the bzip2 tool compressed",
    async () => {
      const compressed = execFileSync("bzip2", ["-c", "-9"], { input: Buffer.from(sample) });
      const codec = await getCodec({ id: "bz2", level: 9 });
      expect(await codec.decode(new Uint8Array(compressed))).toEqual(sample);
    },
  );

  it("unknown ids fail with UnknownCodecError", async () => {
    await expect(getCodec({ id: "nope" })).rejects.toBeInstanceOf(UnknownCodecError);
    expect(new CodecError("zlib", "t/0.0").message).toContain("t/0.0");
  });
});

describe("numeric numcodecs filters", () => {
  it("delta: a running sum in the dtype (integers wrap as numpy's do)", async () => {
    const codec = await getCodec({ id: "delta", dtype: "<i2" });
    const stored = new Uint8Array(new Int16Array([10, 2, -3, 32767]).buffer);
    expect(new Int16Array((await codec.decode(stored)).slice().buffer)).toEqual(
      new Int16Array([10, 12, 9, -32760]),
    );
    const f8 = await getCodec({ id: "delta", dtype: ">f8", astype: ">f8" });
    const be = new Uint8Array(16);
    new DataView(be.buffer).setFloat64(0, 1.5, false);
    new DataView(be.buffer).setFloat64(8, 0.25, false);
    const out = new DataView((await f8.decode(be)).slice().buffer);
    expect([out.getFloat64(0, false), out.getFloat64(8, false)]).toEqual([1.5, 1.75]);
  });

  it("fixedscaleoffset: stored / scale + offset, from astype to dtype, and back", async () => {
    const codec = await getCodec({
      id: "fixedscaleoffset",
      offset: 1000,
      scale: 10,
      dtype: "<f8",
      astype: "|u1",
    });
    const decoded = await codec.decode(new Uint8Array([0, 5, 255]));
    expect(Array.from(new Float64Array(decoded.slice().buffer))).toEqual([1000, 1000.5, 1025.5]);
    expect(await codec.encode!(decoded)).toEqual(new Uint8Array([0, 5, 255]));
  });
});
