/**
 * Where `refs catalog` writes the static catalog's files (catalog-api's CatalogFiles: write, removeTree,
 * moveTree). catalog-api stages items in `<dir>/.<id>.items.partial/`, then moves the old `<id>/items/` aside,
 * moves the staging into place and writes collection.json and catalog.json last. A local folder moves by rename.
 * An object store has no rename: there every move was a copy, each item written twice and the old ones copied
 * aside and back. On object storage this writer instead:
 * - writes an item whose id the collection does not have yet straight to its final key: no catalog links it
 *   until the new collection.json, so no reader sees it early, and a failure before that deletes it;
 * - stages only items that replace one of the same id, and copies those into place when catalog-api publishes;
 * - leaves the old items where they are (nothing is set aside), and deletes those the new catalog no longer has
 *   only after collection.json and catalog.json are written.
 * So a first catalog, or the new items of an append, are written once; a failed run replaces nothing; readers of
 * the old catalog find every item it links until the new one is published.
 */
import { stagingFolders } from "../../../catalog-api/index.js";
import {
  isUrlPath,
  joinPath,
  listTree,
  moveTree,
  readBytes,
  removeObject,
  removeTree,
  writeBytes,
} from "../../project/workdir-io.js";

export interface CatalogFileWriter {
  write(path: string, text: string): Promise<void>;
  removeTree(path: string): Promise<void>;
  moveTree(from: string, to: string): Promise<void>;
}

const plain: CatalogFileWriter = { write: writeBytes, removeTree, moveTree };

/** The files of one catalog run of collection `collectionId` under `dir` (see above). */
export async function catalogFileWriter(dir: string, collectionId: string): Promise<CatalogFileWriter> {
  if (!isUrlPath(dir)) return plain;
  const items = joinPath(dir, collectionId, "items");
  // catalog-api's staging and set-aside folders
  const { staging, setAside } = stagingFolders(dir, collectionId);
  const old = new Set(await listTree(items));
  const direct = new Set<string>();
  const kept = new Set<string>();
  let published = false;
  const removeAll = (names: Iterable<string>) =>
    inBatches([...names], (name) => removeObject(joinPath(items, name)));
  return {
    write(path, text) {
      if (!path.startsWith(`${staging}/`)) return writeBytes(path, text);
      const name = path.slice(staging.length + 1);
      kept.add(name);
      if (old.has(name)) return writeBytes(path, text); // replaces an item readers may be reading: staged
      direct.add(name);
      return writeBytes(joinPath(items, name), text);
    },
    async moveTree(from, to) {
      if (from === items && to === setAside) return; // the old items stay until the new catalog is written
      if (from === staging && to === items) {
        published = true;
        await inBatches(await listTree(staging), async (name) => {
          const bytes = await readBytes(joinPath(staging, name));
          if (!bytes) throw new Error(`staged catalog item ${name} in ${staging} vanished before publishing`);
          await writeBytes(joinPath(items, name), bytes);
        });
        await removeTree(staging);
        return;
      }
      await moveTree(from, to);
    },
    async removeTree(path) {
      await removeTree(path);
      // Dropping the staging before publishing (a failure) drops the new items written in place too.
      if (path === staging && !published) await removeAll(direct);
      // The last step, after collection.json and catalog.json: items the new catalog does not have go.
      if (path === setAside && published) await removeAll([...old].filter((name) => !kept.has(name)));
    },
  };
}

/** `task` over `names`, 32 at a time (a catalog may hold thousands of items). */
async function inBatches(names: string[], task: (name: string) => Promise<void>): Promise<void> {
  for (let i = 0; i < names.length; i += 32) await Promise.all(names.slice(i, i + 32).map(task));
}
