/**
 * The demo (`npm run demo`): generates an ERA5-like series (hourly precipitation, one NetCDF4 file per day) and a
 * small DEM-like COG, runs every phase (scan, validate, compute, catalog) on each with the embedded defaults (local
 * files, SQLite), then serves the STAC API and prints example searches. `--workdir DIR` chooses the folder,
 * `--no-serve` stops after the phases; the exit status says whether every phase ended done.
 */
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createApp, SqliteStore, startServer } from "../../catalog-api/index.js";
import { type Command, EXIT, option, positiveInt } from "../cli/command.js";
import { catalogPhase } from "../phases/catalog/catalog-phase.js";
import { computePhase } from "../phases/compute/compute-phase.js";
import { computeOutputRoot } from "../phases/compute-output.js";
import { scanPhase } from "../phases/scan/scan-phase.js";
import { validatePhase } from "../phases/validate-phase.js";
import { defaultConfig, type ProjectConfig } from "../project/config.js";
import { apiDatabasePath, Workspace } from "../project/workspace.js";
import type { PhaseStatus } from "../status/phase-status.js";
import { writeDemLike } from "./dem-like.js";
import { writeEra5Like } from "./era5-like.js";
import { exampleSearches, fileExamples } from "./examples.js";

/**
 * STAC schemas for offline validation: $REFS_STAC_SCHEMAS, else ../shared/stac-schemas beside the checkout (from
 * the sources or dist/ alike); else none, and the catalog phase uses the schema cache.
 */
function schemasDir(env: NodeJS.ProcessEnv): string | undefined {
  if (env.REFS_STAC_SCHEMAS) return env.REFS_STAC_SCHEMAS;
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json")) && dirname(dir) !== dir) dir = dirname(dir);
  const beside = resolve(dir, "..", "shared", "stac-schemas");
  return existsSync(beside) ? beside : undefined;
}

export const demoCommand: Command = {
  name: "demo",
  usage: `usage: refs demo [--workdir DIR] [--days N] [--port P] [--no-serve]

  --workdir DIR  where the data and the project go (default ./refs-demo)
  --days N       days of hourly data, one NetCDF4 file each (default 3)
  --port P       port of the STAC API (default 8080; 0 picks a free one)
  --no-serve     stop after the phases (for scripts)
exit status: 0 when every phase of both projects is done, 3 when one ended partial, 1 when one failed (the
API is then not started)`,
  valueOptions: ["workdir", "days", "port"],
  flags: ["no-serve", "v", "verbose"],
  async run(args) {
    const env = process.env;
    const workdir = resolve(option(args, "workdir") ?? "refs-demo");
    const days = positiveInt(args, "days", 3);
    const log = (line: string) => console.error(line);
    const t0 = Date.now();
    log(
      `demo: writing ${days} days of ERA5-like hourly precipitation (NetCDF4) and a DEM-like COG to ${join(workdir, "data")}`,
    );
    // Packed per file as the CDS does: the combine must carry each day's scale_factor/add_offset.
    await writeEra5Like({ dir: join(workdir, "data", "era5"), days, packing: "per-file" });
    await writeDemLike(join(workdir, "data", "dem"));
    const era5 = defaultConfig("era5-demo", [join(workdir, "data", "era5", "*.nc")]);
    era5.catalog.title = "ERA5-like hourly precipitation (refs demo)";
    const dem = defaultConfig("dem-demo", [join(workdir, "data", "dem", "*.tif")]);
    dem.catalog.title = "DEM-like elevation, 30 m UTM (refs demo)";
    dem.compute.resolution = 9;
    const schemas = schemasDir(env);
    const statuses: PhaseStatus[] = [];
    let references = "";
    for (const config of [era5, dem]) {
      const { phases, referencesPath } = await runProject(workdir, config, schemas, log);
      statuses.push(...phases);
      if (config === era5) references = referencesPath ?? "";
    }
    const seconds = ((Date.now() - t0) / 1000).toFixed(1);
    const unfinished = statuses.filter((s) => s.state !== "done");
    if (unfinished.length > 0) {
      // scripts (and the README's first command) must not take a half-made demo for a working one
      for (const s of unfinished)
        log(
          `demo: ${s.phase} ${s.state}${s.error ? `: ${s.error}` : ""}${s.failures[0] ? `: ${s.failures[0].item}: ${s.failures[0].reason}` : ""}`,
        );
      log(`demo: stopped after ${seconds} s; \`refs status <project> --workdir ${workdir}\` has the details`);
      return unfinished.some(
        (s) => s.state === "failed" || s.state === "running" || s.state === "interrupted",
      )
        ? EXIT.failure
        : EXIT.partial;
    }
    log(`demo: every phase of both projects done in ${seconds} s`);
    console.log(fileExamples({ references, h3: new Workspace(workdir, era5.name).computeDir }));
    if (args.flags.has("no-serve")) return EXIT.ok;
    const store = new SqliteStore(apiDatabasePath(workdir));
    // /cells reads the two projects' H3 Parquet and nothing else
    const dataRoots = [era5, dem].map((c) => computeOutputRoot(new Workspace(workdir, c.name), c));
    const server = await startServer(createApp({ store, dataRoots }), {
      port: Number(option(args, "port") ?? 8080),
      host: "127.0.0.1",
    });
    console.log(exampleSearches(server.url, "era5-demo", "dem-demo"));
    await new Promise<void>((done) => {
      process.once("SIGINT", () => done());
      process.once("SIGTERM", () => done());
    });
    await server.close();
    await store.close();
    return EXIT.ok;
  },
};

/** Every phase of one demo project (stopping at a failed one); prints where its outputs are. */
async function runProject(
  workdir: string,
  config: ProjectConfig,
  schemas: string | undefined,
  log: (line: string) => void,
): Promise<{ phases: PhaseStatus[]; referencesPath: string | undefined }> {
  config.catalog.license = "CC-BY-4.0";
  const ws = new Workspace(workdir, config.name);
  await ws.saveConfig(config);
  const phases: PhaseStatus[] = [];
  let referencesPath: string | undefined;
  const steps: [string, () => Promise<PhaseStatus>][] = [
    [
      "scan",
      async () => {
        const scan = await scanPhase(ws, { log });
        referencesPath = scan.combined?.path;
        return scan.status;
      },
    ],
    ["validate", async () => (await validatePhase(ws, { log })).status],
    ["compute", async () => (await computePhase(ws, { log })).status],
    [
      "catalog",
      async () => (await catalogPhase(ws, { log, ...(schemas ? { schemasDir: schemas } : {}) })).status,
    ],
  ];
  for (const [name, step] of steps) {
    log(`== ${config.name}: ${name}`);
    const status = await step();
    phases.push(status);
    if (status.state === "failed") break;
  }
  console.log(
    `${config.name}: references ${referencesPath ?? "(none)"}, H3 Parquet ${ws.computeDir}, ` +
      phases.map((s) => `${s.phase} ${s.state}`).join(", "),
  );
  return { phases, referencesPath };
}
