import { CatalogInputError } from "../errors.js";
import { type Bbox, type Geometry, geometryBbox } from "../geometry/geojson.js";
import { type CellRange, cellRange, parseCell } from "../h3/cell-ranges.js";
import { itemInterval } from "../search/datetime.js";
import { checkItemStructure } from "../stac/check-structure.js";
import type { StacItem } from "../stac/types.js";

/** What a backend stores for one item: indexed columns next to the item's JSON. */
export interface ItemRow {
  collection: string;
  id: string;
  dtStart: number;
  dtEnd: number;
  bbox: Bbox | null;
  geometry: string | null;
  /** The item's properties as JSON text (stored separately for fast typed reads). */
  properties: string;
  content: string;
  h3: CellRange[];
  /** The numeric top-level properties (for the summaries' item_numbers). */
  numbers: [string, number][];
}

/** Check an item (structure, as every write must: see stac/check-structure.ts), and derive its row. */
export function itemRow(given: StacItem, collection: string): ItemRow {
  const item = checkItemStructure(given);
  const where = `item "${item.id}"`;
  if (item.collection !== undefined && item.collection !== collection) {
    throw new CatalogInputError(`belongs to collection "${item.collection}", not "${collection}"`, where);
  }
  const time = itemInterval(item.properties, item.id);
  const geometry = item.geometry as Geometry | null;
  const cells = item.properties["h3:cells"];
  if (cells !== undefined && (!Array.isArray(cells) || !cells.every((c) => typeof c === "string"))) {
    throw new CatalogInputError("must be a list of cell strings", `${where} properties.h3:cells`);
  }
  const bbox = geometry ? geometryBbox(geometry) : null;
  // STAC wants a bbox next to every geometry, and links and assets on every item: fill them in when absent
  const stored = {
    ...item,
    collection,
    ...(bbox && !item.bbox ? { bbox } : {}),
    links: item.links ?? [],
    assets: item.assets ?? {},
  };
  return {
    collection,
    id: item.id,
    dtStart: time.start,
    dtEnd: time.end,
    bbox,
    geometry: geometry ? JSON.stringify(geometry) : null,
    properties: JSON.stringify(item.properties),
    content: JSON.stringify(stored),
    h3: ((cells as string[] | undefined) ?? []).map((c) =>
      cellRange(parseCell(c, `${where} properties.h3:cells`)),
    ),
    numbers: Object.entries(item.properties).filter((e): e is [string, number] => typeof e[1] === "number"),
  };
}

/** The rows with each collection + id once: the last given wins, as writing them in turn would leave it. */
export function lastOfEach(rows: ItemRow[]): ItemRow[] {
  const byKey = new Map<string, ItemRow>();
  for (const r of rows) {
    const key = JSON.stringify([r.collection, r.id]);
    byKey.delete(key);
    byKey.set(key, r);
  }
  return byKey.size === rows.length ? rows : [...byKey.values()];
}
