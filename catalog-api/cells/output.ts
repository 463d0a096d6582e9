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
  const features = page.rows.map((row) => feature(row, page));
  return JSON.stringify({
    type: "FeatureCollection",
    features,
    numberReturned: features.length,
    "refs:resolution": page.shape.resolution,
    "refs:columns": page.shape.values,
    links,
  });
}

function feature(row: CellRow, page: CellsPage) {
  const cell = cellToHex(row.cell);
  const properties: Record<string, unknown> = { cell };
  if (row.time !== undefined) properties.time = isoTime(row.time);
  page.shape.values.forEach((name, i) => {
    properties[name] = row.values[i] ?? null;
  });
  const ring = cellToBoundary(cell, true);
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
  for (const row of page.rows) {
    const fields = [cellToHex(row.cell)];
    if (page.shape.perTime) fields.push(row.time === undefined ? "" : isoTime(row.time));
    for (const v of row.values) fields.push(v === null ? "" : String(v));
    lines.push(fields.map(csvField).join(","));
  }
  return `${lines.join("\r\n")}\r\n`;
}

function csvField(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}
