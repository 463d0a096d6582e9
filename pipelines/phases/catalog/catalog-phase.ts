import { mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import { type CatalogStore, catalogProjectStreamed, SqliteStore } from "../../../catalog-api/index.js";
import { recordBatches, recordIds, type UnitRecord } from "../../../compute/index.js";
import { Progress } from "../../progress/progress.js";
import type { Workspace } from "../../project/workspace.js";
import { stacSchemaLoader } from "../../stac-schemas/index.js";
import type { PhaseStatus } from "../../status/phase-status.js";
import { dataVariables } from "../compute/variables.js";
import { computeOutput } from "../compute-output.js";
import { loadReferences } from "../references.js";
import { runPhase } from "../run-phase.js";
import { listSources } from "../scan/list-sources.js";
import { storageOptions } from "../storage-options.js";
import { catalogFileWriter } from "./catalog-files.js";
import { dataDatetime } from "./data-datetime.js";
import { PartitionFootprint, partitionDescriptions, referenceDescription } from "./outputs.js";

export interface CatalogPhaseOptions {
  /** Local STAC JSON Schema folder for validation (offline); wins over the cache. */
  schemasDir?: string;
  /** The schema cache, filled from the network on first use (default: stacSchemaCacheDir of the environment). */
  schemaCacheDir?: string;
  /** The API's store to ingest into (default: the workdir's SQLite catalog). */
  store?: CatalogStore;
  /** PostgreSQL URL to ingest into instead of the workdir's SQLite catalog (what `refs serve --pg` serves). */
  pgUrl?: string;
  quiet?: boolean;
  log?: (line: string) => void;
}

/**
 * STAC of everything the project produced: a Collection, an Item per H3 Parquet file and one for the reference
 * set; validated, written as a static catalog, and ingested into the API's store (replacing earlier items).
 */
export async function catalogPhase(
  ws: Workspace,
  options: CatalogPhaseOptions = {},
): Promise<{ status: PhaseStatus; items: number; collectionId: string }> {
  const config = await ws.loadConfig();
  const log = options.log ?? ((line: string) => options.quiet || console.error(line));
  let result = { items: 0, collectionId: config.name };
  const status = await runPhase(ws, "catalog", async () => {
    let unchecked: string[] = [];
    const warnings: string[] = [];
    const { refs, summary } = await loadReferences(ws);
    const output = computeOutput(ws, config);
    // Records are read, described and catalogued a batch at a time: memory stays flat in the number of files.
    const ids = await recordIds(output);
    const first = (await recordBatches(output, ids.slice(0, 1)).next()).value ?? [];
    const resolution = resolutionOf(first, config.compute.resolution);
    // files without time get the project's datetime or the data's (a TIFF DateTime tag), never the time of now;
    // the data's is looked up only when such a file comes
    let datetime: string | undefined = config.catalog.datetime;
    let looked = false;
    const progress = new Progress({
      label: "catalog",
      total: ids.length,
      unit: "unit records",
      measures: [{ name: "files", rate: true }],
      quiet: options.quiet ?? false,
    });
    const footprint = new PartitionFootprint();
    let files = 0;
    async function* partitions() {
      for await (const records of recordBatches(output, ids)) {
        if (!looked && records.some((r) => r.files.some((f) => f.rows > 0 && f.coverage && !f.time))) {
          looked = true;
          datetime = await dataDatetime(
            ws.configFile,
            config.catalog.datetime,
            (await listSources(config.sources, storageOptions(config)))[0]?.url,
            storageOptions(config),
          );
        }
        let bytes = 0;
        const before = files;
        const batch = await partitionDescriptions(
          output,
          records,
          resolution,
          ws.catalogDir,
          (b) => {
            bytes += b;
            files++;
          },
          datetime,
        );
        footprint.add(batch);
        yield batch;
        progress.tick(records.length, bytes, 0, { files: files - before });
      }
      progress.finish();
    }
    const variables = config.compute.variables.length ? config.compute.variables : dataVariables(refs);
    // opened only now: a bad URL fails the phase (recorded) after the outputs were read, not before
    const store =
      options.store ??
      (options.pgUrl
        ? await (await import("../../../catalog-api/index.js")).PostgresStore.open(options.pgUrl)
        : await localSqlite(ws.apiDatabase));
    try {
      const done = await catalogProjectStreamed(
        {
          project: {
            id: config.name,
            title: config.catalog.title ?? config.name,
            description:
              config.catalog.description ??
              `${variables.join(", ")} from ${summary.files} source files, as kerchunk references and H3 Parquet (resolution ${resolution}), made by refs`,
            license: config.catalog.license,
            providers: [{ name: "refs", roles: ["processor"] }],
          },
          partitions: partitions(),
          referenceSets: () => [
            referenceDescription(config, summary, variables, footprint, ws.catalogDir, resolution),
          ],
        },
        {
          outDir: ws.catalogDir,
          files: await catalogFileWriter(ws.catalogDir, config.name),
          store,
          loadSchema: stacSchemaLoader({
            ...(options.schemasDir ? { dir: options.schemasDir } : {}),
            ...(options.schemaCacheDir ? { cacheDir: options.schemaCacheDir } : {}),
          }),
          onStep: (step) => log(`catalog: ${step}${files ? ` (${files} files read so far)` : ""}`),
        },
      );
      result = { items: done.items, collectionId: done.collectionId };
      unchecked = done.uncheckedExtensions;
      // offline with nothing cached: structurally checked, written, and said so (not a failure)
      const byReason = new Map<string, string[]>();
      for (const c of done.uncheckedCore)
        byReason.set(c.reason, [...(byReason.get(c.reason) ?? []), schemaName(c.schema)]);
      for (const [why, names] of byReason)
        warnings.push(`schema validation skipped: ${why} (${names.join(", ")}: structural checks only)`);
    } finally {
      if (!options.store) await store.close();
    }
    const where = options.store ? "the given store" : options.pgUrl ? "PostgreSQL" : ws.apiDatabase;
    log(
      `catalog: ${result.items} items in collection ${result.collectionId} (ingested into ${where}), static catalog in ${ws.catalogDir}`,
    );
    if (unchecked.length) {
      const where = options.schemasDir ? `no copy in ${options.schemasDir}` : "not cached and not fetched";
      log(
        `catalog: not validated against ${unchecked.join(", ")}: ${where} (validated against everything else)`,
      );
    }
    for (const w of warnings) log(`catalog: WARNING ${w}`);
    return {
      counts: { total: result.items, done: result.items, skipped: 0, failed: 0 },
      failures: [],
      ...(unchecked.length ? { details: { "extension schemas not checked": unchecked.join(" ") } } : {}),
      ...(warnings.length ? { warnings } : {}),
    };
  });
  return { status, ...result };
}

/** The workdir's SQLite catalog; with a workdir on object storage it sits in a local cache folder, made here. */
async function localSqlite(path: string): Promise<SqliteStore> {
  await mkdir(dirname(path), { recursive: true });
  return new SqliteStore(path);
}

/** "item.json" of a schema URL, for a short warning. */
function schemaName(url: string): string {
  return url.slice(url.lastIndexOf("/") + 1);
}

/** The resolution compute used: recorded in its records (a project's "auto" is resolved there), else the setting. */
function resolutionOf(records: Iterable<UnitRecord>, setting: number | "auto"): number {
  for (const r of records) {
    if (r.resolution !== undefined) return r.resolution;
    const cell = r.schema?.find((c) => /^h\d+$/.test(c.name));
    if (cell) return Number(cell.name.slice(1));
  }
  return setting === "auto" ? 5 : setting;
}
