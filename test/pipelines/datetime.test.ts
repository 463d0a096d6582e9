/**
 * Items of data without time are dated from the data or the project, never by the time of processing: the
 * TIFF DateTime tag of the first source, or catalog.datetime, which wins; neither is an error naming the setting.
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeDemLike } from "../../pipelines/demo/dem-like.js";
import { catalogPhase } from "../../pipelines/phases/catalog/catalog-phase.js";
import { dataDatetime } from "../../pipelines/phases/catalog/data-datetime.js";
import { computePhase } from "../../pipelines/phases/compute/compute-phase.js";
import { scanPhase } from "../../pipelines/phases/scan/scan-phase.js";
import { defaultConfig } from "../../pipelines/project/config.js";
import { ProjectConfigError } from "../../pipelines/project/errors.js";
import { Workspace } from "../../pipelines/project/workspace.js";
import { writeTestStacSchemas } from "./helpers/stac-schemas.js";

let base: string;
let ws: Workspace;
beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), "refs-datetime-"));
  const tif = await writeDemLike(join(base, "data"), 256);
  ws = new Workspace(base, "dem");
  const config = defaultConfig("dem", [tif]);
  config.compute.resolution = 8;
  await ws.saveConfig(config);
  await scanPhase(ws, { quiet: true });
  await computePhase(ws, { quiet: true });
}, 120_000);
afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

async function itemDates(): Promise<string[]> {
  const dir = join(ws.catalogDir, "dem", "items");
  const out: string[] = [];
  for (const f of await readdir(dir)) {
    const item = JSON.parse(await readFile(join(dir, f), "utf8"));
    if (!item.id.endsWith("references")) out.push(item.properties.datetime);
  }
  return out;
}

describe("datetime of items without time", { timeout: 120_000 }, () => {
  it("comes from the TIFF DateTime tag, and catalog.datetime overrides it", async () => {
    const schemasDir = await writeTestStacSchemas(join(base, "schemas"));
    const first = await catalogPhase(ws, { quiet: true, schemasDir });
    expect(first.status.state).toBe("done");
    const dates = await itemDates();
    expect(dates.length).toBeGreaterThan(0);
    expect(new Set(dates)).toEqual(new Set(["2024-06-01T12:00:00.000Z"]));
    const config = await ws.loadConfig();
    await ws.saveConfig({ ...config, catalog: { ...config.catalog, datetime: "2020-03-04" } });
    await catalogPhase(ws, { quiet: true, schemasDir });
    expect(new Set(await itemDates())).toEqual(new Set(["2020-03-04T00:00:00.000Z"]));
  });

  it("is refused, naming catalog.datetime, when neither the data nor the project has one", async () => {
    // a NetCDF3 file (by its magic number): no TIFF tag to take a date from
    const nc = join(base, "plain.nc");
    await writeFile(nc, new Uint8Array([0x43, 0x44, 0x46, 0x01, 0, 0, 0, 0]));
    const e = await dataDatetime("p.json", undefined, nc, {}).catch((x) => x);
    expect(e).toBeInstanceOf(ProjectConfigError);
    expect(String(e.message)).toMatch(/catalog\.datetime/);
  });
});
