import {
  cellsToMultiPolygon,
  cellToChildren,
  cellToParent,
  compactCells,
  getResolution,
  gridDisk,
  isValidCell,
} from "h3-js";
import { CatalogInputError } from "../errors.js";
import { type Bbox, type Geometry, geometryBbox } from "../geometry/geojson.js";

export interface Coverage {
  /** The cells, compacted (mixed resolutions, fewest cells), coarsened when more than the budget. */
  cells: string[];
  /** True when cells were replaced by their parents to stay within the budget: the coverage is then larger than
   * the data (never smaller), so an H3 search never misses the item. */
  coarsened: boolean;
  /** Outline of the cells, possibly drawn with coarser cells (see OUTLINE_CELLS): it never leaves data out. */
  geometry: Geometry;
  bbox: Bbox;
}

/** Most cells whose outline h3-js is asked to draw; above it the outline is drawn one resolution coarser. */
export const OUTLINE_CELLS = 20_000;

/** Most cells an item's `h3:cells` holds by default: above it the finest cells are replaced by their parents. */
export const CELL_BUDGET = 1_000;

/**
 * The area a set of cells covers: compacted cells for the item's `h3:cells` and their outline as a GeoJSON
 * MultiPolygon (h3-js merges neighbouring cells). Neither step expands coarse cells to the finest resolution, so a
 * partition of millions of cells, or a mix of a coarse cell and fine ones, stays cheap.
 */
export function coverage(
  cells: string[],
  where: string,
  outlineLimit = OUTLINE_CELLS,
  cellBudget = Number.POSITIVE_INFINITY,
): Coverage {
  if (cells.length === 0) throw new CatalogInputError("has no cells", where);
  for (const c of cells)
    if (!isValidCell(c)) throw new CatalogInputError(`"${c}" is not a valid H3 cell`, where);
  let compacted = compactMixed(cells);
  let coarsened = false;
  while (compacted.length > cellBudget) {
    const finest = compacted.reduce((m, c) => Math.max(m, getResolution(c)), 0);
    if (finest === 0) break;
    compacted = compactMixed(
      compacted.map((c) => (getResolution(c) === finest ? cellToParent(c, finest - 1) : c)),
    );
    coarsened = true;
  }
  const finest = cells.reduce((m, c) => Math.max(m, getResolution(c)), 0); // no spread: millions of cells
  const geometry: Geometry = {
    type: "MultiPolygon",
    coordinates: cellsToMultiPolygon(outlineCells(compacted, finest, outlineLimit), true),
  };
  return { cells: compacted, coarsened, geometry, bbox: geometryBbox(geometry) };
}

/**
 * Compact cells of any resolutions: compact each resolution from the finest up, handing the parents it produces to
 * the coarser buckets, then drop cells that a coarser cell already contains.
 */
function compactMixed(cells: string[]): string[] {
  const buckets: Set<string>[] = Array.from({ length: 16 }, () => new Set());
  for (const c of cells) buckets[getResolution(c)]!.add(c);
  const out: string[] = [];
  for (let r = 15; r >= 0; r--) {
    const bucket = buckets[r]!;
    if (bucket.size === 0) continue;
    for (const c of compactCells([...bucket])) {
      const rc = getResolution(c);
      if (rc === r) out.push(c);
      else buckets[rc]!.add(c);
    }
  }
  const present = new Set(out);
  const covered = (c: string) => {
    for (let r = getResolution(c) - 1; r >= 0; r--) if (present.has(cellToParent(c, r))) return true;
    return false;
  };
  return out.filter((c) => !covered(c)).sort();
}

/**
 * The coverage as cells of one resolution (h3-js outlines one resolution only): the finest resolution within the
 * limit. H3 children stick out of their parent's hexagon, so when the data's finest cells are drawn as coarser ones,
 * each coarse cell brings its ring of neighbours (which contains all its descendants): larger, never smaller.
 */
function outlineCells(compacted: string[], finest: number, limit: number): string[] {
  const resolutions = compacted.map(getResolution);
  for (let r = finest; r >= 0; r--) {
    const count = resolutions.reduce((n, rc) => n + (rc <= r ? 7 ** (r - rc) : 1), 0);
    if (count > limit && r > 0) continue;
    const atR = new Set<string>();
    compacted.forEach((c, i) => {
      if (resolutions[i]! <= r) for (const k of cellToChildren(c, r)) atR.add(k);
      else atR.add(cellToParent(c, r));
    });
    if (r === finest) return [...atR];
    const out = new Set<string>();
    for (const c of atR) for (const k of gridDisk(c, 1)) out.add(k);
    return [...out];
  }
  return [];
}
