import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadReferences, referencedUrls, validateReferences } from "../../pipelines/validate/index.js";
import { combineReferenceSets } from "../../refs/combine/index.js";
import { readKerchunkJson, writeKerchunkJson } from "../../refs/formats/kerchunk-json.js";
import { writeKerchunkParquet } from "../../refs/formats/kerchunk-parquet/index.js";
import { openSource } from "../../refs/storage/registry.js";
import { folderRefs } from "./sinks.js";
import "../../refs/store/codecs/index.js";
import { readArray } from "../../refs/store/read-array.js";
import { fixtureFiles, haveFixtures } from "../fixtures.js";
import { folderOpener } from "./fixture-reads.js";

const work = mkdtempSync(join(tmpdir(), "refs-validate-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const fixture = (name: string) => {
  const f = fixtureFiles().find((x) => x.file === name && x.kerchunkPath);
  if (!f) throw new Error(`fixture ${name} missing`);
  return f;
};

describe.skipIf(!haveFixtures)("refs validate", () => {
  it("passes kerchunk's references of fixture files, variable by variable", async () => {
    for (const name of ["1DAgg_file0.nc", "air.nc", "dset_gzip.h5", "h5ex_d_shuffle.h5", "3DAgg_file2.nc"]) {
      const f = fixture(name);
      const refs = readKerchunkJson(readFileSync(f.kerchunkPath as string, "utf8"));
      const report = await validateReferences(refs, {
        open: folderOpener(join(f.path, "..")),
        sources: [f.file],
      });
      expect(
        report.summary.failure,
        `${name}: ${JSON.stringify(report.variables.filter((v) => v.status !== "success"))}`,
      ).toBe(0);
      expect(report.variables.filter((v) => v.status === "success").length).toBeGreaterThan(0);
    }
  });

  it("flags kerchunk's compound array whose _ARRAY_DIMENSIONS do not match its rank (simple_nc4.nc grp2/data)", async () => {
    const f = fixture("simple_nc4.nc");
    const refs = readKerchunkJson(readFileSync(f.kerchunkPath as string, "utf8"));
    const report = await validateReferences(refs, {
      open: folderOpener(join(f.path, "..")),
      sources: [f.file],
    });
    expect(report.metadata.filter((m) => m.status === "failure")).toEqual([
      { status: "failure", subject: "grp2/data", detail: "_ARRAY_DIMENSIONS has 2 names for 3 dimensions" },
    ]);
    expect(report.variables.find((v) => v.subject === "grp1/data")?.status).toBe("success");
  });

  it("validates a combined series per source file (1DAgg_file0/1 combined along time by refs/combine)", async () => {
    const inputs = ["1DAgg_file0.nc", "1DAgg_file1.nc"].map((name) => {
      const f = fixture(name);
      return { url: f.file, refs: readKerchunkJson(readFileSync(f.kerchunkPath as string, "utf8")) };
    });
    const folder = join(fixture("1DAgg_file0.nc").path, "..");
    const open = folderOpener(folder);
    const combined = await combineReferenceSets(inputs, {
      concatDims: ["time"],
      identicalDims: ["lat", "lon"],
      readCoordinate: async (_url, refs, path) =>
        (await readArray(refs, path, { open })).data as ArrayLike<unknown>,
    });
    expect(combined.refs.metadata.get("rain/.zarray")?.shape).toEqual([2, 10, 20]);
    const report = await validateReferences(combined.refs, {
      open,
      sources: inputs.map((i) => i.url),
      files: 2,
    });
    expect(report.files).toEqual(["1DAgg_file0.nc", "1DAgg_file1.nc"]);
    expect(
      report.summary.failure,
      JSON.stringify(report.variables.filter((v) => v.status === "failure")),
    ).toBe(0);
    for (const file of report.files) {
      expect(report.variables.find((v) => v.subject === "rain" && v.file === file)).toMatchObject({
        status: "success",
        detail: expect.stringMatching(/^(raw: )?200 values equal(; decoded \(CF\): 200 values equal)?$/),
      });
    }
  });

  it("loads Parquet reference folders too (loadReferences) and validates through them", async () => {
    const f = fixture("3DAgg_file2.nc");
    const refs = readKerchunkJson(readFileSync(f.kerchunkPath as string, "utf8"));
    for (const table of refs.arrays.values()) {
      for (let i = 0; i < table.paths.length; i++)
        table.paths[i] = resolve(f.path, "..", table.paths[i] as string);
    }
    const dir = join(work, "parquet-refs");
    await writeKerchunkParquet(refs, folderRefs(dir), { recordSize: 3 });
    const loaded = await loadReferences(`${dir}/`);
    const report = await validateReferences(loaded, {
      open: (url) => openSource(url),
      sources: referencedUrls(loaded),
    });
    expect(report.summary.failure).toBe(0);
    expect(report.variables.filter((v) => v.status === "success").length).toBeGreaterThan(2);
  });

  it("reports a variable whose references point at the wrong bytes, with what differed", async () => {
    const f = fixture("1DAgg_file0.nc");
    const refs = readKerchunkJson(readFileSync(f.kerchunkPath as string, "utf8"));
    const lat = refs.arrays.get("lat")!;
    const ref = lat.get(0);
    if (ref?.kind !== "range") throw new Error("expected a range");
    lat.set(0, { ...ref, offset: ref.offset + 8 }); // shifted by one element
    const report = await validateReferences(refs, {
      open: folderOpener(join(f.path, "..")),
      sources: [f.file],
    });
    const bad = report.variables.find((v) => v.subject === "lat");
    expect(bad?.status).toBe("failure");
    expect(bad?.detail).toMatch(/of 10 values differ; first at element 0/);
    expect(report.variables.find((v) => v.subject === "lon")?.status).toBe("success");
  });

  it("checks metadata first: an unknown codec fails that variable before values are read", async () => {
    const f = fixture("1DAgg_file0.nc");
    const refs = readKerchunkJson(readFileSync(f.kerchunkPath as string, "utf8"));
    refs.metadata.set("lat/.zarray", {
      ...refs.metadata.get("lat/.zarray")!,
      compressor: { id: "no-such-codec" },
    });
    const report = await validateReferences(refs, {
      open: folderOpener(join(f.path, "..")),
      sources: [f.file],
    });
    expect(report.metadata.find((m) => m.subject === "lat")).toMatchObject({
      status: "failure",
      detail: expect.stringMatching(/codec "no-such-codec"/),
    });
    expect(report.variables.some((v) => v.subject === "lat")).toBe(false);
  });

  it("CLI: refs validate <refs.json> --source <file> prints per-variable results and exits 0 / 1", () => {
    const f = fixture("1DAgg_file0.nc");
    const refsPath = join(work, "good.json");
    const refs = readKerchunkJson(readFileSync(f.kerchunkPath as string, "utf8"));
    // Absolute chunk URLs, so the references work from the temporary folder.
    for (const table of refs.arrays.values()) {
      for (let i = 0; i < table.paths.length; i++)
        table.paths[i] = resolve(f.path, "..", table.paths[i] as string);
    }
    writeFileSync(refsPath, writeKerchunkJson(refs));
    const cli = resolve(__dirname, "../../bin/refs.js");
    const out = execFileSync(process.execPath, [cli, "validate", refsPath, "--source", f.path, "--json"], {
      encoding: "utf8",
    });
    const report = JSON.parse(out);
    expect(report.summary.failure).toBe(0);
    expect(report.files).toEqual([f.path]);
    const lat = refs.arrays.get("lat")!;
    const ref = lat.get(0);
    if (ref?.kind !== "range") throw new Error("expected a range");
    lat.set(0, { ...ref, offset: ref.offset + 8 });
    const badPath = join(work, "bad.json");
    writeFileSync(badPath, writeKerchunkJson(refs));
    let status = 0;
    let text = "";
    try {
      execFileSync(process.execPath, [cli, "validate", badPath], { encoding: "utf8" });
    } catch (error) {
      status = (error as { status: number }).status;
      text = (error as { stdout: string }).stdout;
    }
    expect(status).toBe(1);
    expect(text).toMatch(/FAILURE lat \[.*1DAgg_file0.nc\]: \d+ of 10 values differ/);
    // Two CLI processes: under load their start-up alone can pass the default 30 s.
  }, 120_000);
});
