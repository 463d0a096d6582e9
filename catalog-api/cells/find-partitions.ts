import type { CatalogStore } from "../backend/store.js";
import { cellToHex } from "../h3/cell-ranges.js";
import type { SearchRequest } from "../search/request.js";
import { MAX_LIMIT } from "../search/request.js";
import { runSearch } from "../search/run-search.js";
import { type CellsLayout, itemLayout, mergeLayouts, type PartitionFile } from "./layout.js";
import type { CellsRequest } from "./request.js";

export interface Partitions {
  layout: CellsLayout | undefined;
  files: PartitionFile[];
}

/**
 * The collection's Parquet files a cells query needs: an item search with its bbox, datetime and h3 (items whose
 * geometry, time span or coverage cannot hold a matching row are left out), each partition item naming its file.
 */
export async function findPartitions(
  store: CatalogStore,
  collection: string,
  req: CellsRequest,
): Promise<Partitions> {
  const search: SearchRequest = { collections: [collection], limit: MAX_LIMIT };
  if (req.bbox) search.bbox = req.bbox;
  if (req.datetime) search.datetime = req.datetime;
  if (req.h3) search.h3 = req.h3.map(cellToHex);
  const layouts: CellsLayout[] = [];
  const files: PartitionFile[] = [];
  for (;;) {
    const page = await runSearch(store, search);
    for (const found of page.items) {
      const parsed = itemLayout(JSON.parse(found.text));
      if (!parsed) continue;
      layouts.push(parsed.layout);
      files.push(parsed.file);
    }
    if (!page.next) break;
    search.token = page.next;
  }
  return { layout: mergeLayouts(layouts, collection), files };
}
