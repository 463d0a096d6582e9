import { describe, expect, it } from "vitest";
import { defaultConfig, validateConfig } from "../../pipelines/project/config.js";
import { projectsFromCsv } from "../../pipelines/project/csv.js";
import { ProjectConfigError } from "../../pipelines/project/errors.js";

function errorOf(fn: () => unknown): ProjectConfigError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ProjectConfigError) return error;
    throw error;
  }
  throw new Error("expected a ProjectConfigError");
}

describe("project.json validation", () => {
  it("fills defaults and keeps what was given", () => {
    const c = validateConfig(
      { name: "era5", sources: ["s3://b/*.nc"], compute: { resolution: 7 } },
      "p.json",
    );
    expect(c.compute.resolution).toBe(7);
    expect(c.references).toEqual(defaultConfig("era5", []).references);
  });

  it.each([
    [{ sources: ["a"] }, "name", "non-empty string"],
    [{ name: "x", sources: [] }, "sources", "at least one"],
    [{ name: "x", sources: ["a"], compute: { resolution: 16 } }, "compute.resolution", "from 0 to 15"],
    [
      { name: "x", sources: ["a"], references: { format: "xml" } },
      "references.format",
      "one of auto, json, parquet",
    ],
    [{ name: "x", sources: ["a"], colour: "red" }, "colour", "not a known setting"],
    [
      { name: "x", sources: ["a"], storage: { s3: { anonymous: "yes" } } },
      "storage.s3.anonymous",
      "true or false",
    ],
    [{ name: "bad name", sources: ["a"] }, "name", "letters, digits"],
  ])("names the field and why: %j", (raw, field, why) => {
    const e = errorOf(() => validateConfig(raw, "/w/p/project.json"));
    expect(e.field).toBe(field);
    expect(e.message).toContain("/w/p/project.json");
    expect(e.message).toContain(why);
  });
});

describe("projects from a CSV of datasets", () => {
  it("makes one project per row with several sources", () => {
    const csv =
      "name,sources,resolution\nera5,s3://b/era5/*.nc;s3://b/era5b/*.nc,6\ndem,gs://dem/**/*.tif,8\n";
    const [a, b] = projectsFromCsv(csv, "d.csv");
    expect(a?.sources).toEqual(["s3://b/era5/*.nc", "s3://b/era5b/*.nc"]);
    expect(a?.compute.resolution).toBe(6);
    expect(b?.name).toBe("dem");
  });

  it("names the row and field that is wrong", () => {
    const e = errorOf(() => projectsFromCsv("name,sources,resolution\nok,a.nc,5\nbad,b.nc,99\n", "d.csv"));
    expect(e.message).toContain("d.csv row 3");
    expect(e.field).toBe("compute.resolution");
  });

  it("rejects unknown columns", () => {
    expect(errorOf(() => projectsFromCsv("name,sauces\na,b\n", "d.csv")).field).toBe("sauces");
  });
});
