import { mkdir, rm, writeFile } from "node:fs/promises";
import { dirname, join, posix } from "node:path";
import { STAC_VERSION, type StacCollection, type StacItem } from "./types.js";

export interface StaticCatalog {
  catalog: Record<string, unknown>;
  collection: StacCollection;
  items: StacItem[];
}

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
  const json = "application/json";
  const catalog = {
    type: "Catalog",
    stac_version: STAC_VERSION,
    id: root.id,
    title: root.title ?? root.id,
    description: root.description,
    links: [
      { rel: "root", href: "./catalog.json", type: json },
      { rel: "child", href: `./${collection.id}/collection.json`, type: json, title: collection.title },
    ],
  };
  const col: StacCollection = {
    ...collection,
    links: [
      { rel: "root", href: "../catalog.json", type: json },
      { rel: "parent", href: "../catalog.json", type: json },
      ...items.map((i) => ({ rel: "item", href: `./items/${i.id}.json`, type: "application/geo+json" })),
    ],
  };
  const placed = items.map((item) => ({
    ...item,
    collection: collection.id,
    links: [
      { rel: "root", href: "../../catalog.json", type: json },
      { rel: "parent", href: "../collection.json", type: json },
      { rel: "collection", href: "../collection.json", type: json },
    ],
    assets: Object.fromEntries(
      Object.entries(item.assets).map(([k, a]) => {
        const href = String(a.href);
        return [k, { ...a, href: isAbsolute(href) ? href : posix.join("../..", href) }];
      }),
    ),
  }));
  return { catalog, collection: col, items: placed };
}

/** Where a static catalog's files go: a local folder by default, or any store the caller writes to. */
export interface CatalogFiles {
  /** Writes a whole file (creating folders as needed). */
  write(path: string, text: string): Promise<void>;
  /** Removes a folder and everything in it; a missing one is not an error. */
  removeTree(path: string): Promise<void>;
}

const localFiles: CatalogFiles = {
  async write(path, text) {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, text);
  },
  removeTree: (path) => rm(path, { recursive: true, force: true }),
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
  const itemsDir = under(dir, c.collection.id, "items");
  await target.removeTree(itemsDir);
  const files: [string, unknown][] = [
    [under(dir, "catalog.json"), c.catalog],
    [under(dir, c.collection.id, "collection.json"), c.collection],
    ...c.items.map((i): [string, unknown] => [under(itemsDir, `${i.id}.json`), i]),
  ];
  // 32 writes at a time: thousands of small item files
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < files.length; i = next++) {
      const [path, obj] = files[i] as [string, unknown];
      await target.write(path, `${JSON.stringify(obj, null, 2)}\n`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(32, files.length) }, worker));
  return files.map(([p]) => p);
}
