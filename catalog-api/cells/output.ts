import { cellToBoundary } from "h3-js";
import { cellToHex } from "../h3/cell-ranges.js";
import type { CellRow, CellsPage } from "./run-cells.js";

export interface PageLink {
  rel: string;
  href: string;
  type: string;
  method?: "POST";
  body?: Record<string, unknown>;
}

function isoTime(micros: bigint): string {
  return new Date(Number(micros / 1000n)).toISOString();
}

/** A page as a GeoJSON FeatureCollection: one hexagon (or pentagon) per row, its values as properties. */
export function cellsGeoJson(page: CellsPage, links: PageLink[]): string {
  // rows per time step repeat their cell: its outline is computed once per page
  const outlines = new Map<bigint, number[][]>();
  const features = page.rows.map((row) => feature(row, page, outlines));
  return JSON.stringify({
    type: "FeatureCollection",
    features,
    numberReturned: features.length,
    "refs:resolution": page.shape.resolution,
    "refs:columns": page.shape.values,
    links,
  });
}

function feature(row: CellRow, page: CellsPage, outlines: Map<bigint, number[][]>) {
  const cell = cellToHex(row.cell);
  const properties: Record<string, unknown> = { cell };
  if (row.time !== undefined) properties.time = isoTime(row.time);
  page.shape.values.forEach((name, i) => {
    properties[name] = row.values[i] ?? null;
  });
  let ring = outlines.get(row.cell);
  if (!ring) {
    ring = cellToBoundary(cell, true);
    outlines.set(row.cell, ring);
  }
  return {
    type: "Feature",
    id: row.time === undefined ? cell : `${cell}@${properties.time}`,
    geometry: { type: "Polygon", coordinates: [ring] },
    properties,
  };
}

/** A page as CSV: cell (hexadecimal H3 index), time (RFC 3339) when rows are per time step, then the values. */
export function cellsCsv(page: CellsPage): string {
  const header = ["cell", ...(page.shape.perTime ? ["time"] : []), ...page.shape.values];
  const lines = [header.map(csvField).join(",")];
  // cells and times repeat across rows; hex digits, RFC 3339 times and numbers never need quoting
  const hex = memo(cellToHex);
  const iso = memo(isoTime);
  for (const row of page.rows) {
    let line = hex(row.cell);
    if (page.shape.perTime) line += `,${row.time === undefined ? "" : iso(row.time)}`;
    for (const v of row.values) line += v === null ? "," : `,${v}`;
    lines.push(line);
  }
  return `${lines.join("\r\n")}\r\n`;
}

function memo<K, V>(f: (k: K) => V): (k: K) => V {
  const seen = new Map<K, V>();
  return (k) => {
    let v = seen.get(k);
    if (v === undefined) {
      v = f(k);
      seen.set(k, v);
    }
    return v;
  };
}

function csvField(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}
