import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { join, posix } from "node:path";
import { STAC_VERSION, type StacCollection, type StacItem } from "./types.js";

export interface StaticCatalog {
  catalog: Record<string, unknown>;
  collection: StacCollection;
  items: StacItem[];
}

const JSON_TYPE = "application/json";
const isAbsolute = (href: string) => /^[a-z][a-z0-9+.-]*:/i.test(href) || href.startsWith("/");

/**
 * Lay out a self-contained static catalog with relative links only:
 *   catalog.json, <collection>/collection.json, <collection>/items/<item>.json
 * Asset hrefs that are relative are taken relative to the catalog folder and rewritten relative to each item file.
 */
export function staticCatalog(
  root: { id: string; title?: string; description: string },
  collection: StacCollection,
  items: StacItem[],
): StaticCatalog {
  return {
    catalog: catalogRoot(root, collection),
    collection: collectionWithLinks(
      collection,
      items.map((i) => i.id),
    ),
    items: items.map((item) => placeItem(item, collection.id)),
  };
}

export function catalogRoot(
  root: { id: string; title?: string; description: string },
  collection: StacCollection,
): Record<string, unknown> {
  return {
    type: "Catalog",
    stac_version: STAC_VERSION,
    id: root.id,
    title: root.title ?? root.id,
    description: root.description,
    links: [
      { rel: "root", href: "./catalog.json", type: JSON_TYPE },
      { rel: "child", href: `./${collection.id}/collection.json`, type: JSON_TYPE, title: collection.title },
    ],
  };
}

/** The collection with its links: root, parent and one per item (ids in the order given). */
export function collectionWithLinks(collection: StacCollection, itemIds: Iterable<string>): StacCollection {
  const items: StacCollection["links"] = [];
  for (const id of itemIds)
    items.push({ rel: "item", href: `./items/${id}.json`, type: "application/geo+json" });
  return {
    ...collection,
    links: [
      { rel: "root", href: "../catalog.json", type: JSON_TYPE },
      { rel: "parent", href: "../catalog.json", type: JSON_TYPE },
      ...items,
    ],
  };
}

/** An item as its file in the catalog has it: links to root, parent and collection; asset hrefs from there. */
export function placeItem(item: StacItem, collectionId: string): StacItem {
  return {
    ...item,
    collection: collectionId,
    links: [
      { rel: "root", href: "../../catalog.json", type: JSON_TYPE },
      { rel: "parent", href: "../collection.json", type: JSON_TYPE },
      { rel: "collection", href: "../collection.json", type: JSON_TYPE },
    ],
    assets: Object.fromEntries(
      Object.entries(item.assets).map(([k, a]) => {
        const href = String(a.href);
        return [k, { ...a, href: isAbsolute(href) ? href : posix.join("../..", href) }];
      }),
    ),
  };
}

/** Write the catalog; the collection's items folder is replaced, so re-cataloguing leaves no stale items. */
export async function writeStaticCatalog(dir: string, c: StaticCatalog): Promise<string[]> {
  const staged = await stageStaticCatalog(dir, c.collection.id);
  try {
    await staged.putItems(c.items);
    await staged.finish(c.catalog, c.collection);
  } catch (e) {
    await staged.abort();
    throw e;
  }
  const itemsDir = join(dir, c.collection.id, "items");
  return [
    join(dir, "catalog.json"),
    join(dir, c.collection.id, "collection.json"),
    ...c.items.map((i) => join(itemsDir, `${i.id}.json`)),
  ];
}

/** A static catalog written in batches of items; nothing replaces the catalog in place before `finish`. */
export interface StagedCatalog {
  /** Items (placed, see placeItem) written into a folder beside the catalog's. */
  putItems(items: StacItem[]): Promise<void>;
  /** The staged items become the collection's items folder (the old one goes), then collection and catalog. */
  finish(catalog: Record<string, unknown>, collection: StacCollection): Promise<void>;
  /** The staged items are deleted; the catalog stays as it was. */
  abort(): Promise<void>;
}

export async function stageStaticCatalog(dir: string, collectionId: string): Promise<StagedCatalog> {
  const staging = join(dir, `.${collectionId}.items.partial`);
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  return {
    putItems: (items) =>
      writeJsonFiles(items.map((i): [string, unknown] => [join(staging, `${i.id}.json`), i])),
    async finish(catalog, collection) {
      const colDir = join(dir, collectionId);
      const itemsDir = join(colDir, "items");
      const old = join(dir, `.${collectionId}.items.old`);
      await mkdir(colDir, { recursive: true });
      await rm(old, { recursive: true, force: true });
      await rename(itemsDir, old).catch((e: NodeJS.ErrnoException) => {
        if (e.code !== "ENOENT") throw e;
      });
      await rename(staging, itemsDir);
      await writeJsonFiles([
        [join(colDir, "collection.json"), collection],
        [join(dir, "catalog.json"), catalog],
      ]);
      await rm(old, { recursive: true, force: true });
    },
    abort: () => rm(staging, { recursive: true, force: true }),
  };
}

/** 32 writes at a time: thousands of small item files. */
async function writeJsonFiles(files: [string, unknown][]): Promise<void> {
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < files.length; i = next++) {
      const [path, obj] = files[i] as [string, unknown];
      await writeFile(path, `${JSON.stringify(obj, null, 2)}\n`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(32, files.length) }, worker));
}
