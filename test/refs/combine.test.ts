import { describe, expect, it } from "vitest";
import {
  ArrayMismatchError,
  appendReferenceSets,
  ChunkAlignmentError,
  type CombineInput,
  ConcatDimNotFoundError,
  CoordinateError,
  combineReferenceSets,
  detectConcatDim,
  IdenticalArrayError,
} from "../../refs/combine/index.js";
import { readKerchunkJson, writeKerchunkJson } from "../../refs/formats/kerchunk-json.js";
import { readKerchunkParquet, writeKerchunkParquet } from "../../refs/formats/kerchunk-parquet/index.js";
import type { ReferenceSet } from "../../refs/model/reference-set.js";
import { expected, MemoryFiles, type VarSpec } from "./combine-helpers.js";

const temp = (t: number, y: number, x: number) => t * 100 + y * 10 + x;

/** A file holding steps t0..t0+n-1 of temp[time, y=3, x=4] and its time coordinate (days since 2000-01-01). */
function series(
  files: MemoryFiles,
  url: string,
  t0: number,
  n: number,
  extra: Partial<VarSpec> = {},
  timeChunk = 1,
) {
  return files.add(url, [
    {
      name: "time",
      dims: ["time"],
      shape: [n],
      chunks: [n],
      value: ([i]) => t0 + (i as number),
      attrs: { units: "days since 2000-01-01", standard_name: "time" },
    },
    { name: "y", dims: ["y"], shape: [3], dtype: "<i4", value: ([i]) => (i as number) * 10, inline: true },
    {
      name: "temp",
      dims: ["time", "y", "x"],
      shape: [n, 3, 4],
      chunks: [timeChunk, 3, 2],
      zlib: true,
      fill: -999,
      value: ([t, y, x]) => temp(t0 + (t as number), y as number, x as number),
      ...extra,
    },
    { name: "height", dims: [], shape: [], dtype: "<f8", value: () => 2 + t0 },
  ]);
}

describe("combineReferenceSets", () => {
  it("concatenates 1-D along time: files given out of order, several steps per file, values equal in order", async () => {
    const files = new MemoryFiles();
    const inputs = [series(files, "c.nc", 4, 2), series(files, "a.nc", 0, 2), series(files, "b.nc", 2, 2)];
    const result = await combineReferenceSets(inputs, {
      concatDims: ["time"],
      readCoordinate: files.readCoordinate,
    });
    expect(result.order).toEqual(["a.nc", "b.nc", "c.nc"]);
    expect(result.coordinates.time).toEqual([0, 1, 2, 3, 4, 5]);
    const t = await files.read(result.refs, "temp");
    expect(t.shape).toEqual([6, 3, 4]);
    expect(t.values).toEqual(expected([6, 3, 4], ([a, b, c]) => temp(a as number, b as number, c as number)));
    // The coordinate is written inline (one chunk), with the source's attributes.
    const time = result.refs.arrays.get("time");
    expect(time?.get(0)?.kind).toBe("inline");
    expect(result.refs.metadata.get("time/.zattrs")).toMatchObject({
      units: "days since 2000-01-01",
      _ARRAY_DIMENSIONS: ["time"],
    });
    expect((await files.read(result.refs, "time")).values).toEqual([0, 1, 2, 3, 4, 5]);
    // A coordinate of another dimension is copied from the first file; a scalar variable gains the concat dim.
    expect(result.copied).toContain("y");
    expect((await files.read(result.refs, "y")).values).toEqual([0, 10, 20]);
    expect(result.refs.metadata.get("height/.zattrs")?._ARRAY_DIMENSIONS).toEqual(["time"]);
    // A file's scalar stands for each of the file's steps.
    expect((await files.read(result.refs, "height")).values).toEqual([2, 2, 4, 4, 6, 6]);
    // Chunk tables stay typed: the combined temp table holds 6 x 1 x 2 chunks in typed arrays.
    const table = result.refs.arrays.get("temp");
    expect(table?.grid).toEqual([6, 1, 2]);
    expect(table?.pathIndex).toBeInstanceOf(Int32Array);
    expect(table?.paths).toEqual(["a.nc", "b.nc", "c.nc"]);
  });

  it("takes files of different lengths when the time chunking divides them (a shorter last file is fine)", async () => {
    const files = new MemoryFiles();
    const inputs = [
      series(files, "a.nc", 0, 4, {}, 2),
      series(files, "b.nc", 4, 2, {}, 2),
      series(files, "c.nc", 6, 1, {}, 2),
    ];
    // c.nc holds one step but its chunking along time is 2 like the others: its last chunk is partial.
    inputs[2] = series(files, "c.nc", 6, 1, { chunks: [2, 3, 2] }, 2);
    const result = await combineReferenceSets(inputs, {
      concatDims: ["time"],
      readCoordinate: files.readCoordinate,
    });
    const t = await files.read(result.refs, "temp");
    expect(t.shape).toEqual([7, 3, 4]);
    expect(t.values).toEqual(expected([7, 3, 4], ([a, b, c]) => temp(a as number, b as number, c as number)));
  });

  it("refuses a file whose length along the concat dim is not a multiple of the chunking, naming it", async () => {
    const files = new MemoryFiles();
    const inputs = [
      series(files, "a.nc", 0, 2, {}, 2),
      series(files, "b.nc", 2, 1, { chunks: [2, 3, 2] }),
      series(files, "c.nc", 3, 2, {}, 2),
    ];
    const error = await combineReferenceSets(inputs, {
      concatDims: ["time"],
      readCoordinate: files.readCoordinate,
    }).catch((e) => e);
    expect(error).toBeInstanceOf(ChunkAlignmentError);
    expect(error.message).toContain("b.nc");
    expect(error.message).toContain('"temp"');
  });

  it("concatenates along two existing dims at once (2x2 spatial tiles), coordinates from inline data", async () => {
    const files = new MemoryFiles();
    const z = (y: number, x: number) => y * 1000 + x;
    const tile = (ty: number, tx: number) =>
      files.add(`tile_${ty}_${tx}.nc`, [
        { name: "y", dims: ["y"], shape: [3], value: ([i]) => ty * 3 + (i as number), inline: true },
        { name: "x", dims: ["x"], shape: [4], value: ([i]) => tx * 4 + (i as number), inline: true },
        {
          name: "z",
          dims: ["y", "x"],
          shape: [3, 4],
          chunks: [3, 2],
          dtype: "<i4",
          value: ([y, x]) => z(ty * 3 + (y as number), tx * 4 + (x as number)),
        },
      ]);
    const inputs = [tile(1, 1), tile(0, 1), tile(1, 0), tile(0, 0)];
    const result = await combineReferenceSets(inputs, {
      concatDims: ["y", "x"],
      readCoordinate: files.readCoordinate,
    });
    const out = await files.read(result.refs, "z");
    expect(out.shape).toEqual([6, 8]);
    expect(out.values).toEqual(expected([6, 8], ([y, x]) => z(y as number, x as number)));
    expect(result.refs.metadata.get("z/.zarray")).toMatchObject({
      shape: [6, 8],
      chunks: [3, 2],
      dtype: "<i4",
    });
  });

  it("adds new dims: member from the file name (text) x time from data; variables get [member, time, ...]", async () => {
    const files = new MemoryFiles();
    const members = ["r1", "r2"];
    const v = (m: number, t: number, y: number) => m * 1000 + t * 10 + y;
    const inputs: CombineInput[] = [];
    for (const [m, name] of members.entries()) {
      for (const t0 of [2, 0]) {
        inputs.push(
          files.add(`run_${name}_t${t0}.nc`, [
            {
              name: "time",
              dims: ["time"],
              shape: [2],
              value: ([i]) => t0 + (i as number),
              attrs: { units: "hours since 2000-01-01" },
            },
            {
              name: "v",
              dims: ["time", "y"],
              shape: [2, 3],
              chunks: [1, 3],
              zlib: true,
              value: ([t, y]) => v(m, t0 + (t as number), y as number),
            },
          ]),
        );
      }
    }
    const result = await combineReferenceSets(inputs.reverse(), {
      concatDims: ["member", "time"],
      coordinates: {
        member: { from: "pattern", pattern: /run_(?<member>r\d+)_/, group: "member", type: "string" },
      },
      readCoordinate: files.readCoordinate,
    });
    expect(result.coordinates.member).toEqual(["r1", "r2"]);
    expect(result.refs.metadata.get("v/.zattrs")?._ARRAY_DIMENSIONS).toEqual(["member", "time", "y"]);
    const out = await files.read(result.refs, "v");
    expect(out.shape).toEqual([2, 4, 3]);
    expect(out.values).toEqual(expected([2, 4, 3], ([m, t, y]) => v(m as number, t as number, y as number)));
    // numpy "<U2": 2 characters of UTF-32LE each, read back through refs/store.
    expect(result.refs.metadata.get("member/.zarray")).toMatchObject({ dtype: "<U2", shape: [2] });
    expect((await files.readCoordinate("", result.refs, "member")) as string[]).toEqual(["r1", "r2"]);
  });

  it("reads a variable missing from some files as the fill value there", async () => {
    const files = new MemoryFiles();
    const extra: VarSpec = {
      name: "rain",
      dims: ["time", "y"],
      shape: [2, 3],
      chunks: [1, 3],
      fill: -1,
      value: ([t, y]) => 50 + (t as number) * 3 + (y as number),
    };
    const a = series(files, "a.nc", 0, 2);
    const b = files.add("b.nc", [
      {
        name: "time",
        dims: ["time"],
        shape: [2],
        value: ([i]) => 2 + (i as number),
        attrs: { units: "days since 2000-01-01" },
      },
      { name: "y", dims: ["y"], shape: [3], dtype: "<i4", value: ([i]) => (i as number) * 10, inline: true },
      extra,
    ]);
    const result = await combineReferenceSets([a, b], {
      concatDims: ["time"],
      readCoordinate: files.readCoordinate,
    });
    expect(result.missing).toEqual({ temp: ["b.nc"], height: ["b.nc"], rain: ["a.nc"] });
    const rain = await files.read(result.refs, "rain");
    expect(rain.values).toEqual([-1, -1, -1, -1, -1, -1, 50, 51, 52, 53, 54, 55]);
    const t = await files.read(result.refs, "temp");
    expect(t.values.slice(0, 24)).toEqual(
      expected([2, 3, 4], ([p, q, r]) => temp(p as number, q as number, r as number)),
    );
    expect(t.values.slice(24).every((x) => x === -999)).toBe(true);
  });

  it("names the files and the variable when chunk shapes differ", async () => {
    const files = new MemoryFiles();
    const inputs = [series(files, "a.nc", 0, 2), series(files, "b.nc", 2, 2, { chunks: [1, 3, 4] })];
    const error = await combineReferenceSets(inputs, {
      concatDims: ["time"],
      readCoordinate: files.readCoordinate,
    }).catch((e) => e);
    expect(error).toBeInstanceOf(ArrayMismatchError);
    expect(error.message).toMatch(
      /array "temp": chunk shape differs between files: a\.nc: \[1,3,2\]; b\.nc: \[1,3,4\]/,
    );
  });

  it("names the files when dtypes or codecs differ", async () => {
    const files = new MemoryFiles();
    const dtype = await combineReferenceSets(
      [series(files, "a.nc", 0, 2), series(files, "b.nc", 2, 2, { dtype: "<f4" })],
      {
        concatDims: ["time"],
        readCoordinate: files.readCoordinate,
      },
    ).catch((e) => e);
    expect(dtype).toBeInstanceOf(ArrayMismatchError);
    expect(dtype.message).toContain('array "temp": dtype differs between files: a.nc: "<f8"; b.nc: "<f4"');
    const codec = await combineReferenceSets(
      [series(files, "a.nc", 0, 2), series(files, "b.nc", 2, 2, { zlib: false })],
      {
        concatDims: ["time"],
        readCoordinate: files.readCoordinate,
      },
    ).catch((e) => e);
    expect(codec.message).toContain(
      'array "temp": compressor differs between files: a.nc: {"id":"zlib"}; b.nc: null',
    );
  });

  it("checks identical dims in every file and names each file that differs and how", async () => {
    const files = new MemoryFiles();
    const withY = (url: string, t0: number, y: (i: number) => number) =>
      files.add(url, [
        { name: "time", dims: ["time"], shape: [1], value: () => t0, inline: true },
        { name: "y", dims: ["y"], shape: [3], value: ([i]) => y(i as number) },
        { name: "v", dims: ["time", "y"], shape: [1, 3], value: ([, i]) => t0 + (i as number) },
      ]);
    const inputs = [
      withY("a.nc", 0, (i) => i),
      withY("b.nc", 1, (i) => i),
      withY("c.nc", 2, (i) => (i === 2 ? 7 : i)),
      withY("d.nc", 3, (i) => i),
    ];
    const options = { concatDims: ["time"], identicalDims: ["y"], readCoordinate: files.readCoordinate };
    const error = await combineReferenceSets(inputs, options).catch((e) => e);
    expect(error).toBeInstanceOf(IdenticalArrayError);
    expect(error.message).toBe(
      'array "y" must be identical in every file but differs from a.nc in: c.nc: element 2 is 7 instead of 2',
    );
    const ok = await combineReferenceSets([inputs[0], inputs[1], inputs[3]] as CombineInput[], options);
    expect(ok.copied).toContain("y");
  });

  it("names both files when two files sit at the same coordinate, or their values overlap", async () => {
    const files = new MemoryFiles();
    const same = await combineReferenceSets([series(files, "a.nc", 0, 2), series(files, "b.nc", 0, 2)], {
      concatDims: ["time"],
      readCoordinate: files.readCoordinate,
    }).catch((e) => e);
    expect(same).toBeInstanceOf(CoordinateError);
    expect(same.message).toContain("a.nc, b.nc");
    const overlap = await combineReferenceSets([series(files, "a.nc", 0, 2), series(files, "b.nc", 1, 2)], {
      concatDims: ["time"],
      readCoordinate: files.readCoordinate,
    }).catch((e) => e);
    expect(overlap).toBeInstanceOf(CoordinateError);
  });

  it("says a referenced coordinate needs readCoordinate", async () => {
    const files = new MemoryFiles();
    const error = await combineReferenceSets([series(files, "a.nc", 0, 2), series(files, "b.nc", 2, 2)], {
      concatDims: ["time"],
    }).catch((e) => e);
    expect(error).toBeInstanceOf(CoordinateError);
    expect(error.message).toContain("a.nc");
    expect(error.message).toContain("readCoordinate");
  });

  it("takes the coordinate from a date in the file name, for files without the dimension", async () => {
    const files = new MemoryFiles();
    const day = (d: number) =>
      files.add(`sst_202001${String(d).padStart(2, "0")}.nc`, [
        { name: "sst", dims: ["y"], shape: [2], value: ([y]) => d * 10 + (y as number) },
      ]);
    const result = await combineReferenceSets([day(3), day(1), day(2)], {
      concatDims: ["time"],
      coordinates: {
        time: {
          from: "pattern",
          pattern: /_(?<date>\d{8})\.nc$/,
          group: "date",
          type: "date",
          format: "%Y%m%d",
        },
      },
      timeEncoding: { time: { units: "days since 2020-01-01", calendar: "proleptic_gregorian" } },
    });
    expect(result.coordinates.time).toEqual([0, 1, 2]);
    expect(result.refs.metadata.get("time/.zattrs")).toMatchObject({
      units: "days since 2020-01-01",
      calendar: "proleptic_gregorian",
    });
    const sst = await files.read(result.refs, "sst");
    expect(sst.shape).toEqual([3, 2]);
    expect(sst.values).toEqual([10, 11, 20, 21, 30, 31]);
  });

  it("takes a scalar time coordinate per file as one step, and keeps descending coordinates descending", async () => {
    const files = new MemoryFiles();
    const scalar = (url: string, day: number) =>
      files.add(url, [
        { name: "time", dims: [], shape: [], value: () => day, attrs: { units: "days since 2000-01-01" } },
        { name: "lat", dims: ["lat"], shape: [2], value: ([i]) => 60 - (i as number) * 30, inline: true },
        { name: "q", dims: ["lat"], shape: [2], value: ([i]) => day * 10 + (i as number) },
      ]);
    const byTime = await combineReferenceSets([scalar("b.nc", 5), scalar("a.nc", 3)], {
      concatDims: ["time"],
      readCoordinate: files.readCoordinate,
    });
    expect(byTime.coordinates.time).toEqual([3, 5]);
    expect((await files.read(byTime.refs, "q")).values).toEqual([30, 31, 50, 51]);
    // Tiles along a latitude that descends (north first), given south tile first.
    const tile = (url: string, lat0: number) =>
      files.add(url, [
        { name: "lat", dims: ["lat"], shape: [2], value: ([i]) => lat0 - (i as number), inline: true },
        { name: "z", dims: ["lat"], shape: [2], value: ([i]) => lat0 - (i as number) },
      ]);
    const byLat = await combineReferenceSets([tile("south.nc", 8), tile("north.nc", 10)], {
      concatDims: ["lat"],
      readCoordinate: files.readCoordinate,
    });
    expect(byLat.coordinates.lat).toEqual([10, 9, 8, 7]);
    expect((await files.read(byLat.refs, "z")).values).toEqual([10, 9, 8, 7]);
  });

  it("takes the coordinate from an attribute", async () => {
    const files = new MemoryFiles();
    const f = (url: string, level: number) =>
      files.add(url, [{ name: "v", dims: ["y"], shape: [2], value: ([y]) => level + (y as number) }], {
        level_hPa: level,
      });
    const result = await combineReferenceSets([f("x.nc", 850), f("y.nc", 500)], {
      concatDims: ["level"],
      coordinates: { level: { from: "attribute", name: "level_hPa" } },
    });
    expect(result.coordinates.level).toEqual([500, 850]);
    expect((await files.read(result.refs, "v")).values).toEqual([500, 501, 850, 851]);
  });
});

describe("appendReferenceSets", () => {
  it("appending files to a combined set equals combining all at once (metadata, chunk tables, values)", async () => {
    const files = new MemoryFiles();
    const make = () => [
      series(files, "a.nc", 0, 2),
      series(files, "b.nc", 2, 2),
      files.add("c.nc", [
        {
          name: "time",
          dims: ["time"],
          shape: [2],
          value: ([i]) => 96 + (i as number) * 24,
          attrs: { units: "hours since 2000-01-01", standard_name: "time" },
        },
        {
          name: "y",
          dims: ["y"],
          shape: [3],
          dtype: "<i4",
          value: ([i]) => (i as number) * 10,
          inline: true,
        },
        {
          name: "temp",
          dims: ["time", "y", "x"],
          shape: [2, 3, 4],
          chunks: [1, 3, 2],
          zlib: true,
          fill: -999,
          value: ([t, y, x]) => temp(4 + (t as number), y as number, x as number),
        },
        { name: "height", dims: [], shape: [], value: () => 6 },
      ]),
      series(files, "d.nc", 6, 1),
    ];
    const options = { concatDims: ["time"], readCoordinate: files.readCoordinate };
    const all = await combineReferenceSets(make(), options);
    const [a, b, c, d] = make() as [CombineInput, CombineInput, CombineInput, CombineInput];
    const first = await combineReferenceSets([b, a], options);
    const appended = await appendReferenceSets(first.refs, [d, c], options);
    expect([...appended.refs.metadata.keys()].sort()).toEqual([...all.refs.metadata.keys()].sort());
    for (const [key, doc] of all.refs.metadata) expect(appended.refs.metadata.get(key), key).toEqual(doc);
    for (const [path, table] of all.refs.arrays) {
      const other = appended.refs.arrays.get(path);
      expect(other?.grid, path).toEqual(table.grid);
      for (let i = 0; i < table.count; i++) expect(other?.get(i), `${path} ${i}`).toEqual(table.get(i));
    }
    expect(all.coordinates.time).toEqual([0, 1, 2, 3, 4, 5, 6]);
    const t = await files.read(appended.refs, "temp");
    expect(t.values).toEqual(expected([7, 3, 4], ([p, q, r]) => temp(p as number, q as number, r as number)));
    expect(appended.time.time?.reencoded).toEqual(["c.nc"]);
  });

  it("appends to a combined set saved as kerchunk JSON or Parquet and read back (no original file needed)", async () => {
    const files = new MemoryFiles();
    const options = { concatDims: ["time"], readCoordinate: files.readCoordinate };
    const all = await combineReferenceSets(
      [series(files, "a.nc", 0, 2), series(files, "b.nc", 2, 2), series(files, "c.nc", 4, 2)],
      options,
    );
    const first = await combineReferenceSets(
      [series(files, "a.nc", 0, 2), series(files, "b.nc", 2, 2)],
      options,
    );
    const folder = new Map<string, Uint8Array>();
    await writeKerchunkParquet(first.refs, { write: async (path, bytes) => void folder.set(path, bytes) });
    const saved: Record<string, ReferenceSet> = {
      json: readKerchunkJson(writeKerchunkJson(first.refs)),
      parquet: await readKerchunkParquet({ read: async (path) => folder.get(path) }),
    };
    for (const [format, refs] of Object.entries(saved)) {
      // The new file's coordinate is read, the old files' are not: their bytes are gone.
      files.objects.delete("a.nc");
      const appended = await appendReferenceSets(refs, [series(files, "c.nc", 4, 2)], options);
      series(files, "a.nc", 0, 2);
      expect(appended.coordinates.time, format).toEqual([0, 1, 2, 3, 4, 5]);
      const t = await files.read(appended.refs, "temp");
      expect(t.values, format).toEqual((await files.read(all.refs, "temp")).values);
      expect((await files.read(appended.refs, "height")).values, format).toEqual([2, 2, 4, 4, 6, 6]);
    }
  });

  it("refuses new files whose times fall inside the existing set's", async () => {
    const files = new MemoryFiles();
    const options = { concatDims: ["time"], readCoordinate: files.readCoordinate };
    const first = await combineReferenceSets(
      [series(files, "a.nc", 0, 2), series(files, "b.nc", 4, 2)],
      options,
    );
    const error = await appendReferenceSets(first.refs, [series(files, "c.nc", 2, 2)], options).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(CoordinateError);
    expect(error.message).toContain("existing combined set");
  });
});

describe("detectConcatDim", () => {
  it("finds the dimension whose coordinate differs across files, preferring time-like ones", async () => {
    const files = new MemoryFiles();
    const inputs = [series(files, "a.nc", 0, 2), series(files, "b.nc", 2, 2)];
    expect(await detectConcatDim(inputs, { readCoordinate: files.readCoordinate })).toBe("time");
    const error = await detectConcatDim([inputs[0], inputs[0]] as CombineInput[], {
      readCoordinate: files.readCoordinate,
    }).catch((e) => e);
    expect(error).toBeInstanceOf(ConcatDimNotFoundError);
    expect(error.message).toContain("checked: time, y");
  });
});
