/**
 * Where `refs catalog` writes the static catalog's files (catalog-api's CatalogFiles: write, removeTree,
 * moveTree). catalog-api stages items in `<dir>/.<id>.items.partial/`, then moves the old `<id>/items/` aside,
 * moves the staging into place and writes collection.json and catalog.json last. A local folder moves by rename.
 * An object store has no rename, so each move is a copy: every item written twice. On object storage, when the
 * collection has no items yet, nothing can be replaced, so the staged items are written straight to their final
 * keys and both moves are nothing to do: each item is written once. Readers still never see a half catalog: the
 * new items are linked only from collection.json and catalog.json, written after every item. A failure before
 * then deletes the items written. Where items exist (re-cataloguing), staging and copying stay as they are, so a
 * failed run replaces nothing.
 */
import { isUrlPath, joinPath, listTree, moveTree, removeTree, writeBytes } from "../../project/workdir-io.js";

export interface CatalogFileWriter {
  write(path: string, text: string): Promise<void>;
  removeTree(path: string): Promise<void>;
  moveTree(from: string, to: string): Promise<void>;
}

const plain: CatalogFileWriter = { write: writeBytes, removeTree, moveTree };

/** The files of one catalog run of collection `collectionId` under `dir` (see above). */
export async function catalogFileWriter(dir: string, collectionId: string): Promise<CatalogFileWriter> {
  const items = joinPath(dir, collectionId, "items");
  if (!isUrlPath(dir) || (await listTree(items)).length > 0) return plain;
  // catalog-api's staging and set-aside folders (catalog-api/stac/static-catalog.ts)
  const staging = joinPath(dir, `.${collectionId}.items.partial`);
  const setAside = joinPath(dir, `.${collectionId}.items.old`);
  let published = false;
  return {
    write(path, text) {
      const staged = path.startsWith(`${staging}/`);
      return writeBytes(staged ? joinPath(items, path.slice(staging.length + 1)) : path, text);
    },
    async moveTree(from, to) {
      if (from === items && to === setAside) return; // there were no items to set aside
      if (from === staging && to === items) {
        published = true; // already in place; collection.json and catalog.json come next
        return;
      }
      await moveTree(from, to);
    },
    async removeTree(path) {
      await removeTree(path);
      // Dropping the staging before publishing (at the start, or on failure) drops the items written directly.
      if (path === staging && !published) await removeTree(items);
    },
  };
}
