/**
 * Which h0 units the COG benchmark runs, and its per-unit table: one row per unit, then min / median / max over
 * the units run. `sample` is a stratified set (the north and south polar cells, which hold the most EPSG:4326
 * pixels per cell, an equatorial hexagon, two pentagons, one of them on the antimeridian, and a hexagon across
 * it); `all` runs the 122 with that sample first, so a run stopped early is still stratified.
 */
import { getRes0Cells } from "h3-js";

export const COG_SAMPLE = [
  "8001fffffffffff",
  "80f3fffffffffff",
  "806bfffffffffff",
  "8009fffffffffff",
  "807ffffffffffff",
  "805bfffffffffff",
];

export function cogUnitsToRun(spec: string): string[] {
  if (spec === "sample") return COG_SAMPLE;
  if (spec === "all") return [...COG_SAMPLE, ...getRes0Cells().filter((c) => !COG_SAMPLE.includes(c))];
  return spec.split(",").filter(Boolean);
}

type Figures = Record<string, unknown>;

const measures = (r: Figures) => [
  Number(r.rows),
  Number(r.files),
  Number(r.rows) / Math.max(1, Number(r.files)),
  Number(r.scanSeconds),
  Number(r.seconds),
  Number(r.cpuSeconds),
  Number(r.rows) / Number(r.cpuSeconds),
  Number(r.maxRssMiB),
];

/** Columns of the per-unit table (cogUnitRows, then cogUnitSummaryRows). */
export const COG_UNIT_COLUMNS = [
  "unit",
  "rows",
  "files",
  "rows per file (mean)",
  "scan s",
  "compute s",
  "CPU s",
  "rows/CPU s",
  "peak RSS MiB",
];

export function cogUnitRows(perUnit: Figures[]): (string | number)[][] {
  return perUnit.map((r) => [String(r.unit), ...measures(r)]);
}

export function cogUnitSummaryRows(perUnit: Figures[]): (string | number)[][] {
  if (perUnit.length === 0) return [];
  const columns = perUnit.map(measures);
  const pick = (f: (sorted: number[]) => number) =>
    (columns[0] as number[]).map((_, c) => f(columns.map((m) => m[c] as number).sort((x, y) => x - y)));
  return [
    [`min of ${perUnit.length}`, ...pick((s) => s[0] as number)],
    [`median of ${perUnit.length}`, ...pick((s) => s[s.length >> 1] as number)],
    [`max of ${perUnit.length}`, ...pick((s) => s[s.length - 1] as number)],
    total(perUnit),
  ];
}

/** Sums where a sum means something: rows, files, seconds; rows per CPU second over the whole. */
function total(perUnit: Figures[]): (string | number)[] {
  const sum = (k: string) => perUnit.reduce((n, r) => n + Number(r[k]), 0);
  return [
    "total",
    sum("rows"),
    sum("files"),
    "-",
    sum("scanSeconds"),
    sum("seconds"),
    sum("cpuSeconds"),
    sum("rows") / sum("cpuSeconds"),
    "-",
  ];
}
