import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { type CatalogStore, type ItemsReplacement, replaceItemsInBatches } from "../backend/store.js";
import { CatalogInputError } from "../errors.js";
import { CollectionSummary } from "./collection.js";
import type { PartitionDescription, ProjectDescription, ReferenceSetDescription } from "./inputs.js";
import { partitionItem } from "./partition-item.js";
import { referenceItem } from "./reference-item.js";
import type { SchemaLoader } from "./schema-folder.js";
import {
  type CatalogFiles,
  catalogRoot,
  collectionWithLinks,
  placeItem,
  stageStaticCatalog,
} from "./static-catalog.js";
import type { StacItem } from "./types.js";
import { StacValidator, type UnavailableSchema } from "./validate.js";

export interface ProjectOutputs {
  project: ProjectDescription;
  partitions: PartitionDescription[];
  referenceSets: ReferenceSetDescription[];
}

export interface CatalogProjectOptions {
  /** Folder of the static catalog (catalog.json at its top); relative asset hrefs are relative to it. */
  outDir: string;
  /** Store to ingest into (the API's); the collection's items there are replaced. */
  store?: CatalogStore;
  /** Local STAC schema folder (see validateStac); without it or loadSchema, schemas come from the network. */
  schemasDir?: string;
  /** Where schemas come from (e.g. a cache filled from the network); wins over schemasDir. */
  loadSchema?: SchemaLoader;
  /** Writes the static catalog's files (default: local files under outDir, which may then not be a URL). */
  files?: CatalogFiles;
  /** Base URL for relative asset hrefs in the store (default: outDir's URL, or the file:// URL of outDir). */
  assetBaseUrl?: string;
  /** Told as each step starts (validating, writing, ingesting), so a long run is never silent. */
  onStep?: (step: string) => void;
}

export interface CatalogProjectResult {
  collectionId: string;
  items: number;
  /** Extension schemas declared but not to be had, so not validated against (see validateStac). */
  uncheckedExtensions: string[];
  /** Core schemas not to be had: objects of that type had structural checks only (see validateStac). */
  uncheckedCore: UnavailableSchema[];
}

/** Outputs given in batches: a project of any number of partition files is catalogued in bounded memory. */
export interface StreamedOutputs {
  project: ProjectDescription;
  /** Partitions in batches; each batch is built, validated, staged and ingested before the next is asked for. */
  partitions: AsyncIterable<PartitionDescription[]>;
  /** Asked for once every partition has been through (a reference set's footprint comes from them). */
  referenceSets: () => ReferenceSetDescription[] | Promise<ReferenceSetDescription[]>;
}

/**
 * `refs catalog <proj>`: build the Collection and Items, validate every object with stac-node-validator, write the
 * static catalog, then ingest into the store. Nothing is written unless everything validates.
 */
export async function catalogProject(
  outputs: ProjectOutputs,
  options: CatalogProjectOptions,
): Promise<CatalogProjectResult> {
  async function* oneBatch() {
    yield outputs.partitions;
  }
  return catalogProjectStreamed(
    { project: outputs.project, partitions: oneBatch(), referenceSets: () => outputs.referenceSets },
    options,
  );
}

/**
 * catalogProject over batches of partitions, holding one batch of items at a time (and each item's id, for the
 * collection's links): each batch is validated, written into a staging folder beside the catalog and ingested
 * into an open store transaction; the Collection is summarised as items pass. Only when every object has
 * validated do the staged items replace the catalog's and the transaction commit: nothing is replaced otherwise.
 */
export async function catalogProjectStreamed(
  outputs: StreamedOutputs,
  options: CatalogProjectOptions,
): Promise<CatalogProjectResult> {
  const id = outputs.project.id;
  const base =
    options.assetBaseUrl ??
    (/^[a-z][a-z0-9+.-]*:\/\//i.test(options.outDir)
      ? `${options.outDir.replace(/\/+$/, "")}/`
      : pathToFileURL(`${resolve(options.outDir)}/`).href);
  const validator = new StacValidator({
    ...(options.schemasDir ? { schemasDir: options.schemasDir } : {}),
    ...(options.loadSchema ? { loadSchema: options.loadSchema } : {}),
  });
  const summary = new CollectionSummary();
  const ids = new Set<string>();
  options.onStep?.("validating, writing and ingesting items in batches");
  const staged = await stageStaticCatalog(options.outDir, id, options.files);
  let ingest: ItemsReplacement | undefined;
  try {
    ingest = options.store ? await replaceItemsInBatches(options.store, id) : undefined;
    const put = async (items: StacItem[]) => {
      for (const i of items) {
        if (ids.has(i.id))
          throw new CatalogInputError(
            `two outputs map to item id "${i.id}"; give them distinct ids`,
            `project ${id}`,
          );
        ids.add(i.id);
        summary.add(i);
      }
      const placed = items.map((i) => placeItem(i, id));
      await validator.validate(placed);
      await staged.putItems(placed);
      await ingest?.put(items.map((i) => withAbsoluteAssets(i, base)));
    };
    for await (const batch of outputs.partitions) await put(batch.map((p) => partitionItem(p, id)));
    // fsspec resolves `fo` against the reader's working directory, not the item: it must be absolute.
    const references = await outputs.referenceSets();
    await put(references.map((r) => referenceItem(r, id, new URL(r.href, base).href)));
    const collection = summary.collection(outputs.project);
    const catalog = catalogRoot(
      { id: `${id}-catalog`, title: outputs.project.title, description: outputs.project.description },
      collection,
    );
    const linked = collectionWithLinks(collection, ids);
    options.onStep?.(`validating the catalog and collection of ${ids.size} items`);
    await validator.validate([catalog, linked]);
    options.onStep?.(`writing the static catalog to ${options.outDir}`);
    await staged.finish(catalog, linked);
    if (options.store && ingest) {
      options.onStep?.(`committing ${ids.size} items into the API store`);
      await options.store.putCollection({ ...collection, links: [] });
      const done = ingest;
      ingest = undefined;
      await done.commit();
    }
  } catch (e) {
    await staged.abort();
    await ingest?.abort();
    throw e;
  }
  const report = validator.report();
  return {
    collectionId: id,
    items: ids.size,
    uncheckedExtensions: report.uncheckedExtensions,
    uncheckedCore: report.uncheckedCore,
  };
}

function withAbsoluteAssets(item: StacItem, base: string): StacItem {
  const assets = Object.fromEntries(
    Object.entries(item.assets).map(([k, a]) => [k, { ...a, href: new URL(String(a.href), base).href }]),
  );
  return { ...item, assets };
}
