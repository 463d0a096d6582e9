/**
 * The archive benchmark's output, catalogued for the cells benchmark: `cells-archive-case.ts <dir> <hours> [W,S,E,N]`
 * (only the h0 units meeting the box: every unit decodes each global hourly chunk, so a month of the whole globe
 * takes hours on two shared cores). The
 * same global 0.25 degree hourly ERA5-like series as archive-case.ts (one global chunk per hour, made on demand),
 * computed to H3 resolution 5 with the default layout into <dir>/h3, then described from its completion records
 * and catalogued into <dir>/catalog.sqlite as collection "era5-archive". Kept: a later run finds it and stops.
 * Prints JSON figures on the last line.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { SqliteStore } from "../../../catalog-api/backend/sqlite-store.js";
import { catalogProject } from "../../../catalog-api/stac/catalog-project.js";
import { LocalOutput, readAllRecords, referenceReader } from "../../../compute/index.js";
import { computeProject } from "../../../compute/run.js";
import { partitionDescriptions } from "../../../pipelines/phases/catalog/outputs.js";
import { stacSchemaLoader } from "../../../pipelines/stac-schemas/index.js";
import { syntheticHourly } from "../../compute/helpers/synthetic.js";
import { writeTestStacSchemas } from "../../pipelines/helpers/stac-schemas.js";

export const ARCHIVE_COLLECTION = "era5-archive";

const [dir, hours, box] = process.argv.slice(2) as [string, string, string | undefined];
const bbox = box ? (box.split(",").map(Number) as [number, number, number, number]) : undefined;
const database = join(dir, "catalog.sqlite");
const h3 = join(dir, "h3");
if (!existsSync(database)) {
  const s = syntheticHourly(Number(hours));
  const output = new LocalOutput(h3);
  const started = performance.now();
  const summary = await computeProject(
    {
      refs: s.dataset.refs,
      read: referenceReader(s.dataset.refs, s.open),
      output,
      cacheDir: join(dir, "cache"),
    },
    { variables: ["tp"], resolution: 5 },
    { mappingThreads: 2, ...(bbox ? { bbox } : {}) },
  );
  const computeSeconds = (performance.now() - started) / 1000;
  const records = await readAllRecords(output);
  const catalogDir = join(dir, "catalog");
  const partitions = await partitionDescriptions(output, records.values(), 5, catalogDir);
  const store = new SqliteStore(database);
  await catalogProject(
    {
      project: {
        id: ARCHIVE_COLLECTION,
        title: "archive benchmark output",
        description: `global 0.25 degree hourly ERA5-like tp, ${hours} hours, H3 resolution 5`,
        license: "CC-BY-4.0",
        providers: [{ name: "refs", roles: ["processor"] }],
      },
      partitions,
      referenceSets: [],
    },
    {
      outDir: catalogDir,
      store,
      loadSchema: stacSchemaLoader({ dir: await writeTestStacSchemas(join(dir, "schemas")) }),
    },
  );
  await store.close();
  console.error(`cells archive: ${summary.rows} rows in ${summary.files} files, compute ${computeSeconds} s`);
}
console.log(JSON.stringify({ database, h3, collection: ARCHIVE_COLLECTION }));
