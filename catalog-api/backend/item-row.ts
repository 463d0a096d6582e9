import { CatalogInputError } from "../errors.js";
import { type Bbox, checkGeometry, geometryBbox } from "../geometry/geojson.js";
import { type CellRange, cellRange, parseCell } from "../h3/cell-ranges.js";
import { itemInterval } from "../search/datetime.js";
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
}

/** Check the parts of an item the store indexes, and derive its row. */
export function itemRow(item: StacItem, collection: string): ItemRow {
  const where = `item ${String(item?.id)}`;
  if (item?.type !== "Feature") throw new CatalogInputError('type must be "Feature"', where);
  if (typeof item.id !== "string" || item.id.length === 0)
    throw new CatalogInputError("needs a string id", "item");
  if (item.collection !== undefined && item.collection !== collection) {
    throw new CatalogInputError(`belongs to collection "${item.collection}", not "${collection}"`, where);
  }
  if (typeof item.properties !== "object" || item.properties === null) {
    throw new CatalogInputError("needs a properties object", where);
  }
  const time = itemInterval(item.properties, item.id);
  if (time.start > time.end) throw new CatalogInputError("ends before it starts", where);
  const geometry = item.geometry === null ? null : checkGeometry(item.geometry, `${where} geometry`);
  const cells = item.properties["h3:cells"];
  if (cells !== undefined && (!Array.isArray(cells) || !cells.every((c) => typeof c === "string"))) {
    throw new CatalogInputError("properties.h3:cells must be a list of cell strings", where);
  }
  const bbox = geometry ? geometryBbox(geometry) : null;
  // STAC wants a bbox next to every geometry: derive it when the item came without one
  const stored = bbox && !item.bbox ? { ...item, collection, bbox } : { ...item, collection };
  return {
    collection,
    id: item.id,
    dtStart: time.start,
    dtEnd: time.end,
    bbox,
    geometry: geometry ? JSON.stringify(geometry) : null,
    properties: JSON.stringify(item.properties),
    content: JSON.stringify(stored),
    h3: ((cells as string[] | undefined) ?? []).map((c) => cellRange(parseCell(c, `${where} h3:cells`))),
  };
}
