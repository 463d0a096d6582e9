/**
 * The demo (`npm run demo`): generates an ERA5-like series (hourly precipitation, one NetCDF4 file per day), runs
 * every phase (scan, validate, compute, catalog) with the embedded defaults (local files, SQLite), then serves the
 * STAC API and prints example searches. `--workdir DIR` chooses the folder, `--no-serve` stops after the phases.
 */
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createApp } from "../../catalog-api/api/app.js";
import { startServer } from "../../catalog-api/api/server.js";
import { SqliteStore } from "../../catalog-api/backend/sqlite-store.js";
import { type Command, EXIT, option } from "../cli/command.js";
import { catalogPhase } from "../phases/catalog/catalog-phase.js";
import { computePhase } from "../phases/compute/compute-phase.js";
import { scanPhase } from "../phases/scan/scan-phase.js";
import { validatePhase } from "../phases/validate-phase.js";
import { defaultConfig } from "../project/config.js";
import { apiDatabasePath, Workspace } from "../project/workspace.js";
import { writeEra5Like } from "./era5-like.js";
import { exampleSearches } from "./examples.js";

/** STAC schemas for offline validation: $REFS_STAC_SCHEMAS, else ../shared/stac-schemas beside the checkout. */
function schemasDir(env: NodeJS.ProcessEnv): string | undefined {
  if (env.REFS_STAC_SCHEMAS) return env.REFS_STAC_SCHEMAS;
  const beside = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "shared", "stac-schemas");
  return existsSync(beside) ? beside : undefined;
}

export const demoCommand: Command = {
  name: "demo",
  summary: "generate a small ERA5-like series, run every phase on it and serve the STAC API",
  usage: `usage: refs demo [--workdir DIR] [--days N] [--port P] [--no-serve]

  --workdir DIR  where the data and the project go (default ./refs-demo)
  --days N       days of hourly data, one NetCDF4 file each (default 3)
  --port P       port of the STAC API (default 8080; 0 picks a free one)
  --no-serve     stop after the phases (for scripts)`,
  valueOptions: ["workdir", "days", "port"],
  async run(args) {
    const env = process.env;
    const workdir = resolve(option(args, "workdir") ?? "refs-demo");
    const days = Number(option(args, "days") ?? 3);
    const log = (line: string) => console.error(line);
    const t0 = Date.now();
    log(`demo: writing ${days} days of ERA5-like hourly precipitation (NetCDF4) to ${join(workdir, "data")}`);
    await writeEra5Like({ dir: join(workdir, "data", "era5"), days });
    const ws = new Workspace(workdir, "era5-demo");
    const config = defaultConfig("era5-demo", [join(workdir, "data", "era5", "*.nc")]);
    config.catalog.title = "ERA5-like hourly precipitation (refs demo)";
    config.catalog.license = "CC-BY-4.0";
    await ws.saveConfig(config);
    const schemas = schemasDir(env);
    log("== scan");
    await scanPhase(ws, { log });
    log("== validate");
    const v = await validatePhase(ws, { log });
    log("== compute");
    await computePhase(ws, { log });
    log("== catalog");
    await catalogPhase(ws, { log, ...(schemas ? { schemasDir: schemas } : {}) });
    log(
      `demo: every phase done in ${((Date.now() - t0) / 1000).toFixed(1)} s (validation: ${v.status.state})`,
    );
    console.log(
      `project: ${ws.dir}\nreferences: ${join(ws.referencesDir, "refs.json")}\nH3 Parquet: ${ws.computeDir}`,
    );
    if (args.flags.has("no-serve")) return EXIT.ok;
    const store = new SqliteStore(apiDatabasePath(workdir));
    const server = await startServer(createApp({ store }), {
      port: Number(option(args, "port") ?? 8080),
      host: "127.0.0.1",
    });
    console.log(exampleSearches(server.url, "era5-demo"));
    await new Promise<void>((done) => {
      process.once("SIGINT", () => done());
      process.once("SIGTERM", () => done());
    });
    await server.close();
    await store.close();
    return EXIT.ok;
  },
};
