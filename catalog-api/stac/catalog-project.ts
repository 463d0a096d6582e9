import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { CatalogStore } from "../backend/store.js";
import { CatalogInputError } from "../errors.js";
import { projectCollection } from "./collection.js";
import type { PartitionDescription, ProjectDescription, ReferenceSetDescription } from "./inputs.js";
import { partitionItem } from "./partition-item.js";
import { referenceItem } from "./reference-item.js";
import type { SchemaLoader } from "./schema-folder.js";
import { type CatalogFiles, staticCatalog, writeStaticCatalog } from "./static-catalog.js";
import type { StacItem } from "./types.js";
import { type UnavailableSchema, validateStac } from "./validate.js";

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
  files: string[];
  /** Extension schemas declared but not to be had, so not validated against (see validateStac). */
  uncheckedExtensions: string[];
  /** Core schemas not to be had: objects of that type had structural checks only (see validateStac). */
  uncheckedCore: UnavailableSchema[];
}

/**
 * `refs catalog <proj>`: build the Collection and Items, validate every object with stac-node-validator, write the
 * static catalog, then ingest into the store. Nothing is written unless everything validates.
 */
export async function catalogProject(
  outputs: ProjectOutputs,
  options: CatalogProjectOptions,
): Promise<CatalogProjectResult> {
  const id = outputs.project.id;
  const base =
    options.assetBaseUrl ??
    (/^[a-z][a-z0-9+.-]*:\/\//i.test(options.outDir)
      ? `${options.outDir.replace(/\/+$/, "")}/`
      : pathToFileURL(`${resolve(options.outDir)}/`).href);
  const items: StacItem[] = [
    ...outputs.partitions.map((p) => partitionItem(p, id)),
    // fsspec resolves `fo` against the reader's working directory, not the item: it must be absolute.
    ...outputs.referenceSets.map((r) => referenceItem(r, id, new URL(r.href, base).href)),
  ];
  const seen = new Set<string>();
  for (const i of items) {
    if (seen.has(i.id))
      throw new CatalogInputError(
        `two outputs map to item id "${i.id}"; give them distinct ids`,
        `project ${id}`,
      );
    seen.add(i.id);
  }
  const collection = projectCollection(outputs.project, items);
  const layout = staticCatalog(
    { id: `${id}-catalog`, title: outputs.project.title, description: outputs.project.description },
    collection,
    items,
  );
  options.onStep?.(`validating ${items.length + 2} STAC objects`);
  const { uncheckedExtensions, uncheckedCore } = await validateStac(
    [layout.catalog, layout.collection, ...layout.items],
    {
      ...(options.schemasDir ? { schemasDir: options.schemasDir } : {}),
      ...(options.loadSchema ? { loadSchema: options.loadSchema } : {}),
    },
  );
  options.onStep?.(`writing the static catalog to ${options.outDir}`);
  const files = await writeStaticCatalog(options.outDir, layout, options.files);
  if (options.store) {
    options.onStep?.(`ingesting ${items.length} items into the API store`);
    await options.store.putCollection({ ...collection, links: [] });
    await options.store.replaceItems(
      id,
      items.map((i) => withAbsoluteAssets(i, base)),
    );
  }
  return { collectionId: id, items: items.length, files, uncheckedExtensions, uncheckedCore };
}

function withAbsoluteAssets(item: StacItem, base: string): StacItem {
  const assets = Object.fromEntries(
    Object.entries(item.assets).map(([k, a]) => [k, { ...a, href: new URL(String(a.href), base).href }]),
  );
  return { ...item, assets };
}
