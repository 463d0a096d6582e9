import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { afterAll, describe, expect, it } from "vitest";
import { readKerchunkJson } from "../../refs/formats/kerchunk-json.js";
import { readKerchunkParquet, writeKerchunkParquet } from "../../refs/formats/kerchunk-parquet/index.js";
import { ChunkTable, type JsonObject, type ReferenceSet } from "../../refs/model/reference-set.js";
import "../../refs/store/codecs/index.js";
import { readArray } from "../../refs/store/read-array.js";
import { fixtureFiles, haveFixtures } from "../fixtures.js";
import { openerFor } from "./fixture-reads.js";
import { folderRefs } from "./sinks.js";

const work = mkdtempSync(join(tmpdir(), "refs-parquet-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function duck(sql: string) {
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  try {
    return (await connection.runAndReadAll(sql)).getRowObjectsJS();
  } finally {
    connection.closeSync();
  }
}

function tablesEqual(a: ReferenceSet, b: ReferenceSet): string[] {
  const diffs: string[] = [];
  for (const [path, ta] of a.arrays) {
    const tb = b.arrays.get(path);
    if (!tb) {
      diffs.push(`${path}: missing`);
      continue;
    }
    for (let i = 0; i < ta.count; i++) {
      if (
        JSON.stringify(ta.get(i), (_, v) => (v instanceof Uint8Array ? [...v] : v)) !==
        JSON.stringify(tb.get(i), (_, v) => (v instanceof Uint8Array ? [...v] : v))
      ) {
        diffs.push(`${path} chunk ${i}`);
        break;
      }
    }
  }
  return diffs;
}

function sample(): ReferenceSet {
  const table = new ChunkTable([7]);
  table.set(0, { kind: "range", url: "s3://b/f0.nc", offset: 100, length: 20 });
  table.set(1, { kind: "inline", data: new Uint8Array([0, 255, 7]) });
  table.set(3, { kind: "file", url: "https://h/whole.bin" });
  table.set(6, { kind: "range", url: "s3://b/f1.nc", offset: 2 ** 40, length: 5 });
  return {
    metadata: new Map<string, JsonObject>([
      [".zgroup", { zarr_format: 2 }],
      [
        "v/.zarray",
        {
          chunks: [2],
          compressor: null,
          dtype: "<f8",
          fill_value: 1,
          filters: null,
          order: "C",
          shape: [13],
          zarr_format: 2,
        },
      ],
      ["v/.zattrs", { _ARRAY_DIMENSIONS: ["x"] }],
    ]),
    arrays: new Map([["v", table]]),
  };
}

describe("kerchunk Parquet references", () => {
  it("write -> read gives the same references (ranges, inline, whole-file, missing, >4 GB offsets)", async () => {
    const dir = join(work, "sample");
    const files = await writeKerchunkParquet(sample(), folderRefs(dir), { recordSize: 3 });
    expect(files).toBe(3); // records 0, 1, 2 each hold a reference
    const back = await readKerchunkParquet(folderRefs(dir));
    expect(tablesEqual(sample(), back)).toEqual([]);
    expect(back.metadata.get("v/.zarray")).toEqual(sample().metadata.get("v/.zarray"));
    expect(readFileSync(join(dir, ".zmetadata"), "utf8")).toBe(
      '{"metadata": {".zgroup": {"zarr_format": 2}, "v/.zarray": {"chunks": [2], "compressor": null, "dtype": "<f8", "fill_value": 1.0, "filters": null, "order": "C", "shape": [13], "zarr_format": 2}, "v/.zattrs": {"_ARRAY_DIMENSIONS": ["x"]}}, "record_size": 3}',
    );
  });

  it("follows fsspec's layout, checked by DuckDB: columns, types, padded rows, nulls", async () => {
    const dir = join(work, "layout");
    await writeKerchunkParquet(sample(), folderRefs(dir), { recordSize: 3 });
    const schema = await duck(`DESCRIBE SELECT * FROM read_parquet('${dir}/v/refs.0.parq')`);
    expect(schema.map((r) => [r.column_name, r.column_type])).toEqual([
      ["path", "VARCHAR"],
      ["offset", "BIGINT"],
      ["size", "BIGINT"],
      ["raw", "BLOB"],
    ]);
    const rows = await duck(
      `SELECT path, "offset", size, raw IS NULL AS noraw FROM read_parquet('${dir}/v/refs.*.parq', filename = true, file_row_number = true) ORDER BY filename, file_row_number`,
    );
    expect(rows).toHaveLength(9); // three records of three rows, the last padded
    expect(rows[0]).toEqual({ path: "s3://b/f0.nc", offset: 100n, size: 20n, noraw: true });
    expect(rows[1]).toMatchObject({ path: null, noraw: false });
    expect(rows[2]).toMatchObject({ path: null, noraw: true });
    expect(rows[3]).toEqual({ path: "https://h/whole.bin", offset: 0n, size: 0n, noraw: true });
    expect(rows[6]).toEqual({ path: "s3://b/f1.nc", offset: 2n ** 40n, size: 5n, noraw: true });
    const codecs = await duck(`SELECT DISTINCT compression FROM parquet_metadata('${dir}/v/refs.0.parq')`);
    expect(codecs).toEqual([{ compression: "ZSTD" }]);
  });

  it("reads record files written by another writer (DuckDB: dictionary-encoded paths, ZSTD, nulls)", async () => {
    const dir = join(work, "foreign");
    const refs = folderRefs(dir);
    await refs.write(
      ".zmetadata",
      new TextEncoder().encode(
        JSON.stringify({ metadata: Object.fromEntries(sample().metadata), record_size: 4 }),
      ),
    );
    await refs.write("v/.keep", new Uint8Array());
    await duck(`COPY (SELECT * FROM (VALUES
        ('s3://b/f0.nc', 100::BIGINT, 20::BIGINT, NULL::BLOB),
        (NULL, 0, 0, '\\x00\\xFF\\x07'::BLOB),
        (NULL, 0, 0, NULL),
        ('https://h/whole.bin', 0, 0, NULL)) t(path, "offset", size, raw))
      TO '${dir}/v/refs.0.parq' (FORMAT PARQUET, COMPRESSION ZSTD)`);
    await duck(`COPY (SELECT * FROM (VALUES (NULL::VARCHAR, 0::BIGINT, 0::BIGINT, NULL::BLOB), (NULL, 0, 0, NULL),
        ('s3://b/f1.nc', 1099511627776, 5, NULL), (NULL, 0, 0, NULL)) t(path, "offset", size, raw))
      TO '${dir}/v/refs.1.parq' (FORMAT PARQUET, COMPRESSION ZSTD)`);
    const back = await readKerchunkParquet(refs);
    expect(tablesEqual(sample(), back)).toEqual([]);
  });

  it("errors name the file", async () => {
    const dir = join(work, "broken");
    const refs = folderRefs(dir);
    await expect(readKerchunkParquet(refs, { name: dir })).rejects.toThrow(/key ".zmetadata": missing/);
    await writeKerchunkParquet(sample(), refs, { recordSize: 3 });
    const good = (await refs.read("v/refs.1.parq")) as Uint8Array;
    await refs.write("v/refs.1.parq", good.subarray(0, good.length - 30));
    await expect(readKerchunkParquet(refs)).rejects.toThrow(
      /key "v\/refs.1.parq": not a readable Parquet file/,
    );
    await refs.write(".zmetadata", new TextEncoder().encode('{"metadata": {}, "record_size": 0}'));
    await expect(readKerchunkParquet(refs)).rejects.toThrow(/record_size must be a positive integer/);
  });
});

describe.skipIf(!haveFixtures)("kerchunk JSON <-> Parquet on fixtures", () => {
  const names = [
    "1DAgg_file0.nc",
    "3DAgg_file2.nc",
    "air.nc",
    "vlen.h5",
    "hdf5_mini_zstd.h5",
    "dset_gzip.h5",
    "simple_nc4.nc",
  ];
  it.each(names)("%s: same references and same values read through both", async (name) => {
    const f = fixtureFiles().find((x) => x.file === name && x.kerchunkPath);
    if (!f) throw new Error(`fixture ${name} missing`);
    const json = readKerchunkJson(readFileSync(f.kerchunkPath as string, "utf8"));
    const dir = join(work, `fx-${name}`);
    await writeKerchunkParquet(json, folderRefs(dir), { recordSize: 5 });
    const parquet = await readKerchunkParquet(folderRefs(dir));
    expect(tablesEqual(json, parquet)).toEqual([]);
    expect([...parquet.metadata.keys()]).toEqual([...json.metadata.keys()]);
    for (const path of json.arrays.keys()) {
      const a = await readArray(json, path, { open: openerFor(f.path) }).catch((e: Error) => e.message);
      const b = await readArray(parquet, path, { open: openerFor(f.path) }).catch((e: Error) => e.message);
      // Compare bytes: vitest's deep equality takes seconds on million-element typed arrays.
      const bytes = (r: typeof a) =>
        typeof r === "string"
          ? r
          : ArrayBuffer.isView(r.data)
            ? Buffer.from(r.data.buffer).toString("base64")
            : JSON.stringify(r.data);
      expect(bytes(b), path).toBe(bytes(a));
    }
  });
});
