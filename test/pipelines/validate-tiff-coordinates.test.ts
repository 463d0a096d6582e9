/**
 * refs validate checks the arrays the TIFF scanner generates (X/Y pixel centres per level, spatial_ref) against
 * geotiff.js's reading of the file's transform and GeoKeys, instead of warning that no chunk references them;
 * and a wrong coordinate or EPSG code is a failure.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeDemLike } from "../../pipelines/demo/dem-like.js";
import { validateReferences } from "../../pipelines/validate/index.js";
import type { ReferenceSet } from "../../refs/model/reference-set.js";
import { FileSource } from "../../refs/storage/file.js";
import "../../refs/store/codecs/index.js";
import { scanTiff } from "../../scanner/tiff/index.js";

let dir: string;
let path: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "refs-tiff-coords-"));
  path = await writeDemLike(dir, 256);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function findings(edit?: (refs: ReferenceSet) => void) {
  const source = new FileSource(path);
  const { refs } = await scanTiff(source, path);
  edit?.(refs);
  const report = await validateReferences(refs, { open: () => source, sources: [path] });
  return new Map(report.variables.map((f) => [f.subject, f]));
}

describe("validate: the TIFF's generated coordinate arrays", () => {
  it("X, Y of every level and spatial_ref are compared, all succeed, nothing is a warning", async () => {
    const found = await findings();
    for (const name of ["X", "Y", "X1", "Y1"]) {
      expect(found.get(name)?.status, name).toBe("success");
      expect(found.get(name)?.detail).toMatch(/coordinates equal the GeoTIFF transform's pixel centres/);
    }
    expect(found.get("spatial_ref")).toMatchObject({
      status: "success",
      detail: "EPSG:32633, as the GeoKeys say",
    });
    expect([...found.values()].filter((f) => f.status !== "success")).toEqual([]);
  });

  it("a coordinate off by half a pixel is a failure naming it", async () => {
    const found = await findings((refs) => {
      const table = refs.arrays.get("X1");
      const chunk = table?.get(0);
      if (chunk?.kind !== "inline") throw new Error("X1 is not inlined");
      const bytes = chunk.data.slice();
      const view = new DataView(bytes.buffer);
      view.setFloat64(8 * 3, view.getFloat64(8 * 3, true) + 30, true);
      table?.set(0, { kind: "inline", data: bytes });
    });
    expect(found.get("X1")?.status).toBe("failure");
    expect(found.get("X1")?.detail).toMatch(/^coordinate 3 is .*, the GeoTIFF transform gives/);
    expect(found.get("X")?.status).toBe("success");
  });

  it("an EPSG code other than the GeoKeys' is a failure", async () => {
    const found = await findings((refs) => {
      const attrs = refs.metadata.get("spatial_ref/.zattrs");
      if (!attrs) throw new Error("no spatial_ref");
      refs.metadata.set("spatial_ref/.zattrs", { ...attrs, epsg: 32632 });
    });
    expect(found.get("spatial_ref")).toMatchObject({
      status: "failure",
      detail: "spatial_ref says EPSG:32632, the GeoKeys say EPSG:32633",
    });
  });
});
