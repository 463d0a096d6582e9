import { cellsToMultiPolygon, compactCells, getResolution, isValidCell, uncompactCells } from "h3-js";
import { CatalogInputError } from "../errors.js";
import { type Bbox, type Geometry, geometryBbox } from "../geometry/geojson.js";

export interface Coverage {
  /** The cells, compacted (mixed resolutions, fewest cells). */
  cells: string[];
  geometry: Geometry;
  bbox: Bbox;
}

/**
 * The area a set of cells covers: compacted cells for the item's `h3:cells` and their outline as a GeoJSON
 * MultiPolygon (h3-js merges neighbouring cells). Cells of mixed resolutions are first expanded to the finest one.
 */
export function coverage(cells: string[], where: string): Coverage {
  if (cells.length === 0) throw new CatalogInputError("has no cells", where);
  for (const c of cells)
    if (!isValidCell(c)) throw new CatalogInputError(`"${c}" is not a valid H3 cell`, where);
  const finest = Math.max(...cells.map(getResolution));
  const uniform = [...new Set(uncompactCells(cells, finest))];
  const compacted = compactCells(uniform).sort();
  // h3-js outlines cells of one resolution only: outline the uniform set, list the compacted one.
  const geometry: Geometry = { type: "MultiPolygon", coordinates: cellsToMultiPolygon(uniform, true) };
  return { cells: compacted, geometry, bbox: geometryBbox(geometry) };
}
