import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { FileSource } from "../../../refs/storage/file.js";
import { scanHdf5 } from "../../../scanner/hdf5/scan.js";
import { h5wasmReady } from "./h5wasm-oracle.js";

const dir = mkdtempSync(join(tmpdir(), "refs-phony-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function dimsOf(datasets: Record<string, number[]>, group?: string): Promise<Record<string, unknown>> {
  const h5 = await h5wasmReady();
  const path = join(dir, `${Object.keys(datasets).join("-")}-${group ?? "root"}.h5`);
  const f = new h5.File(path, "w");
  const parent = group ? f.create_group(group) : f;
  for (const [name, shape] of Object.entries(datasets)) {
    const n = shape.reduce((a, b) => a * b, 1);
    parent.create_dataset({ name, data: new Float32Array(n), shape });
  }
  f.close();
  const { refs } = await scanHdf5(new FileSource(path), path);
  const prefix = group ? `${group}/` : "";
  return Object.fromEntries(
    Object.keys(datasets).map((name) => [
      name,
      refs.metadata.get(`${prefix}${name}/.zattrs`)?._ARRAY_DIMENSIONS,
    ]),
  );
}

/** Datasets without dimension scales get phony dimensions; xarray needs one length per name within a group. */
describe("phony dimension names", () => {
  it("keep kerchunk's phony_dim_<axis> when the lengths agree", async () => {
    expect(await dimsOf({ a: [4, 6], b: [4, 6], c: [4] })).toEqual({
      a: ["phony_dim_0", "phony_dim_1"],
      b: ["phony_dim_0", "phony_dim_1"],
      c: ["phony_dim_0"],
    });
  });

  it("get one name per distinct length in a group where kerchunk's names would clash", async () => {
    expect(await dimsOf({ a: [10, 20], b: [30, 20], c: [5, 5] }, "g")).toEqual({
      a: ["phony_dim_0", "phony_dim_1"],
      b: ["phony_dim_2", "phony_dim_1"],
      c: ["phony_dim_3", "phony_dim_4"], // two axes of one length: two names
    });
  });
});
