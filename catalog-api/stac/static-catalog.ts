import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join, posix } from "node:path";
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

/** Where a static catalog's files go: a local folder by default, or any store the caller writes to. */
export interface CatalogFiles {
  /** Writes a whole file (creating folders as needed). */
  write(path: string, text: string): Promise<void>;
  /** Removes a folder and everything in it; a missing one is not an error. */
  removeTree(path: string): Promise<void>;
  /** Moves a folder to a path where nothing is; a missing one moves nothing. */
  moveTree(from: string, to: string): Promise<void>;
}

const localFiles: CatalogFiles = {
  async write(path, text) {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, text);
  },
  removeTree: (path) => rm(path, { recursive: true, force: true }),
  async moveTree(from, to) {
    await mkdir(dirname(to), { recursive: true });
    await rename(from, to).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== "ENOENT") throw e;
    });
  },
};

/** `dir/parts`: "/"-joined under a URL (s3://, gs://), node:path under a local folder. */
function under(dir: string, ...parts: string[]): string {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(dir)
    ? [dir.replace(/\/+$/, ""), ...parts].join("/")
    : join(dir, ...parts);
}

/** Write the catalog; the collection's items folder is replaced, so re-cataloguing leaves no stale items. */
export async function writeStaticCatalog(
  dir: string,
  c: StaticCatalog,
  target: CatalogFiles = localFiles,
): Promise<string[]> {
  const staged = await stageStaticCatalog(dir, c.collection.id, target);
  try {
    await staged.putItems(c.items);
    await staged.finish(c.catalog, c.collection);
  } catch (e) {
    await staged.abort();
    throw e;
  }
  const itemsDir = under(dir, c.collection.id, "items");
  return [
    under(dir, "catalog.json"),
    under(dir, c.collection.id, "collection.json"),
    ...c.items.map((i) => under(itemsDir, `${i.id}.json`)),
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

/**
 * Where a catalog run stages a collection's new items, and where the old items are set aside while the new ones
 * move in (both beside the collection's folder in `dir`, named for the collection).
 */
export function stagingFolders(dir: string, collectionId: string): { staging: string; setAside: string } {
  return {
    staging: under(dir, `.${collectionId}.items.partial`),
    setAside: under(dir, `.${collectionId}.items.old`),
  };
}

export async function stageStaticCatalog(
  dir: string,
  collectionId: string,
  target: CatalogFiles = localFiles,
): Promise<StagedCatalog> {
  const { staging, setAside: old } = stagingFolders(dir, collectionId);
  await target.removeTree(staging);
  const write = (files: [string, unknown][]) => writeJsonFiles(files, target);
  return {
    putItems: (items) => write(items.map((i): [string, unknown] => [under(staging, `${i.id}.json`), i])),
    async finish(catalog, collection) {
      const itemsDir = under(dir, collectionId, "items");
      await target.removeTree(old);
      await target.moveTree(itemsDir, old);
      await target.moveTree(staging, itemsDir);
      await write([
        [under(dir, collectionId, "collection.json"), collection],
        [under(dir, "catalog.json"), catalog],
      ]);
      await target.removeTree(old);
    },
    abort: () => target.removeTree(staging),
  };
}

/** 32 writes at a time: thousands of small item files. */
async function writeJsonFiles(files: [string, unknown][], target: CatalogFiles): Promise<void> {
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < files.length; i = next++) {
      const [path, obj] = files[i] as [string, unknown];
      await target.write(path, `${JSON.stringify(obj, null, 2)}\n`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(32, files.length) }, worker));
}
