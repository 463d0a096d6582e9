import { cellToLatLng, getHexagonAreaAvg, getHexagonEdgeLengthAvg, polygonToCells } from "h3-js";
import { CatalogInputError } from "../errors.js";
import type { Bbox } from "../geometry/geojson.js";

/** A bbox query at a fine resolution must not enumerate millions of cells in memory. */
export const MAX_BBOX_CELLS = 1_000_000;
const EARTH_RADIUS_KM = 6371.0072;
const SPLIT_DEGREES = 30;
const DENSIFY_DEGREES = 0.5;

/**
 * The cells at `resolution` whose centre lies in the box (lon/lat in degrees; west > east crosses the
 * antimeridian). h3's polygonToCells follows great circles between vertices, not parallels, so it is given a
 * densified box grown by two cell edges, and its cells are then kept exactly by their centres.
 */
export function bboxCells(bbox: Bbox, resolution: number): string[] {
  const key = `${resolution}:${bbox.join(",")}`;
  const known = recent.get(key);
  if (known) return known;
  const cells = computeBboxCells(bbox, resolution);
  // a map asks for the same view again and again: keep the last few answers (each at most MAX_BBOX_CELLS)
  if (recent.size >= RECENT_BOXES) recent.delete(recent.keys().next().value as string);
  if (cells.length <= MAX_CACHED_CELLS) recent.set(key, cells);
  return cells;
}

const RECENT_BOXES = 32;
const MAX_CACHED_CELLS = 100_000;
const recent = new Map<string, string[]>();

function computeBboxCells(bbox: Bbox, resolution: number): string[] {
  const [west, south, east, north] = bbox;
  const spans: [number, number][] =
    west <= east
      ? [[west, east]]
      : [
          [west, 180],
          [-180, east],
        ];
  const estimate =
    spans.reduce((n, [w, e]) => n + boxArea(w, south, e, north), 0) / getHexagonAreaAvg(resolution, "km2");
  if (estimate > MAX_BBOX_CELLS)
    throw new CatalogInputError(
      `holds about ${Math.round(estimate)} cells at resolution ${resolution}, more than ${MAX_BBOX_CELLS}: use a smaller box or h3`,
      "bbox",
    );
  const marginLat = (2 * getHexagonEdgeLengthAvg(resolution, "km")) / 111;
  const cosMax = Math.cos((Math.min(89, Math.max(Math.abs(south), Math.abs(north))) * Math.PI) / 180);
  const marginLon = marginLat / Math.max(cosMax, 0.02);
  const lo = Math.max(-89.99999, south - marginLat);
  const hi = Math.min(89.99999, north + marginLat);
  const found = new Set<string>();
  for (const [w, e] of lonPieces(spans, marginLon)) {
    for (let a = w; a < e; a += SPLIT_DEGREES) {
      const b = Math.min(a + SPLIT_DEGREES, e);
      for (const c of polygonToCells(densifiedBox(a, lo, b, hi), resolution, true)) found.add(c);
    }
  }
  const inside = (lon: number) => (west <= east ? lon >= west && lon <= east : lon >= west || lon <= east);
  return [...found].filter((c) => {
    const [lat, lng] = cellToLatLng(c);
    return lat >= south && lat <= north && inside(lng);
  });
}

/** Longitude spans grown by `margin` on both sides, cut at the antimeridian into pieces within [-180, 180]. */
function lonPieces(spans: [number, number][], margin: number): [number, number][] {
  const out: [number, number][] = [];
  for (const [w0, e0] of spans) {
    const w = w0 - margin;
    const e = e0 + margin;
    if (e - w >= 360) return [[-180, 180]];
    if (w < -180) out.push([w + 360, 180]);
    if (e > 180) out.push([-180, e - 360]);
    out.push([Math.max(w, -180), Math.min(e, 180)]);
  }
  return out;
}

/** Area in km² of a lon/lat box on the sphere. */
function boxArea(west: number, south: number, east: number, north: number): number {
  const rad = Math.PI / 180;
  return EARTH_RADIUS_KM ** 2 * (east - west) * rad * Math.abs(Math.sin(north * rad) - Math.sin(south * rad));
}

/** A box's ring as [lng, lat] with a vertex every half degree along every side. */
function densifiedBox(west: number, south: number, east: number, north: number): number[][] {
  const ring: number[][] = [];
  const side = (x0: number, y0: number, x1: number, y1: number) => {
    const steps = Math.max(1, Math.ceil(Math.max(Math.abs(x1 - x0), Math.abs(y1 - y0)) / DENSIFY_DEGREES));
    for (let i = 0; i < steps; i++) ring.push([x0 + ((x1 - x0) * i) / steps, y0 + ((y1 - y0) * i) / steps]);
  };
  side(west, south, east, south);
  side(east, south, east, north);
  side(east, north, west, north);
  side(west, north, west, south);
  ring.push(ring[0]!);
  return ring;
}
