/**
 * _ARRAY_DIMENSIONS as netCDF-C / h5netcdf name dimensions, on files written here with h5wasm: a multi-dimensional
 * coordinate variable that is its own dimension scale (netCDF-C gives it no DIMENSION_LIST, only
 * _Netcdf4Coordinates naming dimension ids, which the scales' _Netcdf4Dimid resolve), two scales attached to one
 * axis (the last one wins, as in netCDF-C's scale iteration and h5netcdf), and a multi-dimensional scale without
 * any netCDF bookkeeping (its own name on axis 0 only). Values are read back through the references and compared
 * with h5wasm.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FileSource } from "../../../refs/storage/file.js";
import { scanHdf5 } from "../../../scanner/hdf5/scan.js";
import { compareWithH5wasm, h5wasmReady } from "./h5wasm-oracle.js";

const dir = mkdtempSync(join(tmpdir(), "refs-hdf5-dims-"));
const file = join(dir, "dims.h5");
const NOT_A_VARIABLE = "This is a netCDF dimension but not a netCDF variable.";

beforeAll(async () => {
  const h5 = await h5wasmReady();
  const f = new h5.File(file, "w", { libver: "latest" });
  const int = (name: string, values: number[], target: { create_attribute: typeof f.create_attribute }) =>
    target.create_attribute(
      name,
      new Int32Array(values),
      values.length === 1 ? null : [values.length],
      "<i4",
    );
  const scale = (path: string, length: number, dimid: number, name: string) => {
    const d = f.create_dataset({
      name: path,
      data: new Float32Array(length).map((_, i) => i),
      shape: [length],
    });
    d.make_scale(name);
    int("_Netcdf4Dimid", [dimid], d);
    return d;
  };
  // dimensions x (id 0) and string3 (id 1): netCDF dimensions without variables
  scale("x", 4, 0, `${NOT_A_VARIABLE}         4`);
  scale("string3", 3, 1, `${NOT_A_VARIABLE}         3`);
  // z(z, string3): a 2-D coordinate variable, scale of its own dimension z (id 2), as netCDF-C writes it
  const z = f.create_dataset({ name: "z", data: new Int8Array(12).map((_, i) => 65 + i), shape: [4, 3] });
  z.make_scale("z");
  int("_Netcdf4Dimid", [2], z);
  int("_Netcdf4Coordinates", [2, 1], z);
  // v(z, string3): a data variable with scales attached, plus the same bookkeeping
  const v = f.create_dataset({ name: "v", data: new Float64Array(12).map((_, i) => i / 2), shape: [4, 3] });
  v.attach_scale(0, "z");
  v.attach_scale(1, "string3");
  int("_Netcdf4Coordinates", [2, 1], v);
  // g/w(w, x): a coordinate variable in a subgroup whose second dimension lives in the root group
  f.create_group("g");
  const w = f.create_dataset({ name: "g/w", data: new Int16Array(20).map((_, i) => i), shape: [5, 4] });
  w.make_scale("w");
  int("_Netcdf4Dimid", [3], w);
  int("_Netcdf4Coordinates", [3, 0], w);
  // two scales attached to axis 1 of "two": netCDF-C and h5netcdf name the axis after the last one
  const a1 = f.create_dataset({ name: "a1", data: new Float32Array([1, 2]), shape: [2] });
  const a2 = f.create_dataset({ name: "a2", data: new Float32Array([3, 4]), shape: [2] });
  a1.make_scale("a1");
  a2.make_scale("a2");
  const two = f.create_dataset({ name: "two", data: new Int32Array(8).map((_, i) => i * 3), shape: [4, 2] });
  two.attach_scale(0, "x");
  two.attach_scale(1, "a1");
  two.attach_scale(1, "a2");
  // m: a 2-D scale with no netCDF bookkeeping at all
  const m = f.create_dataset({ name: "m", data: new Uint8Array(6), shape: [2, 3] });
  m.make_scale("m");
  f.close();
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("hdf5 dimension names", () => {
  it("names every axis as netCDF-C does, and keeps every array readable", async () => {
    const { refs, issues } = await scanHdf5(new FileSource(file), file);
    const dims = (path: string) => refs.metadata.get(`${path}/.zattrs`)?._ARRAY_DIMENSIONS;
    expect(issues).toEqual([]);
    expect(dims("z")).toEqual(["z", "string3"]); // kerchunk: ["z", "z"]
    expect(dims("v")).toEqual(["z", "string3"]);
    expect(dims("g/w")).toEqual(["g/w", "x"]); // kerchunk: ["g/w", "g/w"]
    expect(dims("two")).toEqual(["x", "a2"]); // kerchunk raises on two scales
    expect(dims("m")).toEqual(["m", "phony_dim_1"]); // kerchunk: ["m", "m"]
    expect(dims("x")).toEqual(["x"]);
    for (const path of ["z", "v", "g/w", "two", "m", "x"])
      expect(await compareWithH5wasm(refs, path, file), path).toBeUndefined();
  });

  it("the bookkeeping attributes stay out of .zattrs", async () => {
    const { refs } = await scanHdf5(new FileSource(file), file);
    for (const [key, value] of refs.metadata) {
      if (!key.endsWith(".zattrs")) continue;
      for (const hidden of ["_Netcdf4Dimid", "_Netcdf4Coordinates", "DIMENSION_LIST", "CLASS", "NAME"])
        expect(Object.keys(value), key).not.toContain(hidden);
    }
  });
});
