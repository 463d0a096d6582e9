/**
 * The demo's ERA5-like project (hourly precipitation, one NetCDF4 file per day), made in-process with the
 * project's own phases (scan, compute, catalog) into a temporary workdir, as `refs demo` makes it. Tests query
 * its catalog through the API and compare with DuckDB reading the files directly.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SqliteStore } from "../../../catalog-api/backend/sqlite-store.js";
import { type Era5LikeOptions, writeEra5Like } from "../../../pipelines/demo/era5-like.js";
import { catalogPhase } from "../../../pipelines/phases/catalog/catalog-phase.js";
import { computePhase } from "../../../pipelines/phases/compute/compute-phase.js";
import { scanPhase } from "../../../pipelines/phases/scan/scan-phase.js";
import { defaultConfig, type ProjectConfig } from "../../../pipelines/project/config.js";
import { apiDatabasePath, Workspace } from "../../../pipelines/project/workspace.js";
import { writeTestStacSchemas } from "../../pipelines/helpers/stac-schemas.js";

export interface DemoOutput {
  dir: string;
  collection: string;
  /** The H3 Parquet folder (for DuckDB's own glob). */
  h3Root: string;
  store: SqliteStore;
  cleanup(): Promise<void>;
}

/** Other series than the demo's: the series' options (grid, start) and compute settings (time windows, splits). */
export interface DemoVariant {
  series?: Omit<Era5LikeOptions, "dir" | "days">;
  compute?: Partial<ProjectConfig["compute"]>;
}

export async function makeDemoOutput(
  days = 2,
  name = "era5-demo",
  variant: DemoVariant = {},
): Promise<DemoOutput> {
  const dir = await mkdtemp(join(tmpdir(), "refs-cells-"));
  const workdir = join(dir, "work");
  await writeEra5Like({ dir: join(dir, "data"), days, ...variant.series });
  const config = defaultConfig(name, [join(dir, "data", "*.nc")]);
  config.catalog.license = "CC-BY-4.0";
  Object.assign(config.compute, variant.compute);
  const ws = new Workspace(workdir, name);
  await ws.saveConfig(config);
  const quiet = { log: () => {}, quiet: true };
  const schemasDir = await writeTestStacSchemas(join(dir, "schemas"));
  for (const status of [
    (await scanPhase(ws, quiet)).status,
    (await computePhase(ws, quiet)).status,
    (await catalogPhase(ws, { ...quiet, schemasDir })).status,
  ])
    if (status.state !== "done")
      throw new Error(`demo ${status.phase} ended ${status.state}: ${status.error}`);
  const store = new SqliteStore(apiDatabasePath(workdir));
  return {
    dir,
    collection: name,
    h3Root: ws.computeDir,
    store,
    cleanup: async () => {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
