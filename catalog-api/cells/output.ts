import { cellToBoundary } from "h3-js";
import type { CellsPage } from "./run-cells.js";

export interface PageLink {
  rel: string;
  href: string;
  type: string;
  method?: "POST";
  body?: Record<string, unknown>;
}

/** A cell's hexadecimal H3 index from its high and low 32 bits (as cellToHex writes it: at least 15 digits). */
export function hexOf(hi: number, lo: number): string {
  return `${hi.toString(16).padStart(7, "0")}${lo.toString(16).padStart(8, "0")}`;
}

/** hexOf, remembering the last cell: rows come sorted by cell, so a cell's time steps follow each other. */
function lastHex(): (hi: number, lo: number) => string {
  let hi = -1;
  let lo = -1;
  let text = "";
  return (h, l) => {
    if (h !== hi || l !== lo) {
      hi = h;
      lo = l;
      text = hexOf(h, l);
    }
    return text;
  };
}

function isoTime(micros: number): string {
  return new Date(Math.floor(micros / 1000)).toISOString();
}

/** A page as a GeoJSON FeatureCollection: one hexagon (or pentagon) per row, its values as properties. */
export function cellsGeoJson(page: CellsPage, links: PageLink[]): string {
  const { rows, shape } = page;
  // rows per time step repeat their cell: its outline is written once per page and reused as text
  const outlines = new Map<string, string>();
  const iso = memo(isoTime);
  const names = shape.values.map((name) => `,${JSON.stringify(name)}:`);
  const hex = lastHex();
  const parts: string[] = [];
  for (let i = 0; i < rows.length; i++) {
    const cell = hex(rows.hi[i]!, rows.lo[i]!);
    let ring = outlines.get(cell);
    if (ring === undefined) {
      ring = JSON.stringify(cellToBoundary(cell, true));
      outlines.set(cell, ring);
    }
    const time = rows.time ? iso(rows.time[i]!) : undefined;
    let properties = `{"cell":"${cell}"${time === undefined ? "" : `,"time":"${time}"`}`;
    for (let j = 0; j < names.length; j++) properties += `${names[j]}${number(rows.values[j]![i])}`;
    const id = time === undefined ? cell : `${cell}@${time}`;
    parts.push(
      `{"type":"Feature","id":"${id}","geometry":{"type":"Polygon","coordinates":[${ring}]},"properties":${properties}}}`,
    );
  }
  const tail = JSON.stringify({
    numberReturned: rows.length,
    "refs:resolution": shape.resolution,
    "refs:columns": shape.values,
    links,
  });
  return `{"type":"FeatureCollection","features":[${parts.join(",")}],${tail.slice(1)}`;
}

/** A JSON number (null for a missing value, or one JSON cannot write). */
function number(v: number | null | undefined): string {
  return v === null || v === undefined || !Number.isFinite(v) ? "null" : String(v);
}

/** A page as CSV: cell (hexadecimal H3 index), time (RFC 3339) when rows are per time step, then the values. */
export function cellsCsv(page: CellsPage): string {
  const { rows, shape } = page;
  const header = ["cell", ...(shape.perTime ? ["time"] : []), ...shape.values];
  const lines = [header.map(csvField).join(",")];
  // times repeat across rows; hex digits, RFC 3339 times and numbers never need quoting
  const iso = memo(isoTime);
  const hex = lastHex();
  for (let i = 0; i < rows.length; i++) {
    let line = hex(rows.hi[i]!, rows.lo[i]!);
    if (rows.time) line += `,${iso(rows.time[i]!)}`;
    for (const column of rows.values) {
      const v = column[i];
      line += v === null || v === undefined ? "," : `,${v}`;
    }
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
