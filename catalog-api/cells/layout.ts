import { CatalogInputError } from "../errors.js";

/** What a collection's H3 Parquet holds, as its partition items describe it (`h3:resolution`, `table:columns`). */
export interface CellsLayout {
  resolution: number;
  /** `h<resolution>`, uint64. */
  cellColumn: string;
  time: boolean;
  /** The per-pixel `count` column, where cells aggregate several pixels. */
  count: boolean;
  /** Numeric data columns (CF-decoded values). */
  variables: string[];
  /** Every file has the same columns (else DuckDB reads them by name, which costs a schema read per file). */
  uniform?: boolean;
}

/** One Parquet file of the collection, named by its item's `data` asset. */
export interface PartitionFile {
  itemId: string;
  href: string;
  /** The item's time span in epoch ms (first and last row), when it has one. */
  span?: [number, number];
  /** Its rollup file (the item's asset with role "rollup", compute/rollups), when it has one. */
  rollup?: string;
}

const NUMERIC = /^(u?int(8|16|32|64)|float(16|32|64)|double|float|decimal.*)$/;
export const PARQUET_TYPES = new Set(["application/vnd.apache.parquet", "application/x-parquet"]);

interface ItemLike {
  id: string;
  properties: Record<string, unknown>;
  assets?: Record<string, { href?: unknown; type?: unknown; roles?: unknown }>;
}

/** The layout of one partition item, or undefined for items that are not H3 Parquet (the reference set's). */
export function itemLayout(item: ItemLike): { layout: CellsLayout; file: PartitionFile } | undefined {
  const data = item.assets?.data;
  const columns = item.properties["table:columns"];
  const resolution = item.properties["h3:resolution"];
  if (!data || !PARQUET_TYPES.has(String(data.type)) || !Array.isArray(columns)) return undefined;
  if (typeof data.href !== "string" || typeof resolution !== "number") return undefined;
  if (!Number.isInteger(resolution) || resolution < 0 || resolution > 15) return undefined;
  const cellColumn = `h${resolution}`;
  const named = new Map(
    columns.map((c: { name?: unknown; type?: unknown }) => [String(c.name), String(c.type)] as const),
  );
  if (named.get(cellColumn) !== "uint64") return undefined;
  const variables = [...named]
    // a name with a control character (NUL would end DuckDB's SQL text early) is never put into a query
    .filter(([name, type]) => name !== cellColumn && name !== "count" && NUMERIC.test(type) && plain(name))
    .map(([name]) => name);
  return {
    layout: { resolution, cellColumn, time: named.has("time"), count: named.has("count"), variables },
    file: { itemId: item.id, href: data.href, ...spanOf(item.properties), ...rollupOf(item) },
  };
}

function rollupOf(item: ItemLike): { rollup?: string } {
  const r = item.assets?.rollup;
  const isRollup = Array.isArray(r?.roles) && r.roles.includes("rollup") && PARQUET_TYPES.has(String(r.type));
  return isRollup && typeof r?.href === "string" ? { rollup: r.href } : {};
}

function spanOf(p: Record<string, unknown>): { span?: [number, number] } {
  const start = Date.parse(String(p.start_datetime ?? p.datetime));
  const end = Date.parse(String(p.end_datetime ?? p.datetime));
  return Number.isFinite(start) && Number.isFinite(end) ? { span: [start, end] } : {};
}

function plain(name: string): boolean {
  return ![...name].some((ch) => ch.charCodeAt(0) < 32 || ch === "\u007f");
}

/** One layout for the files a query reads: they must agree on the resolution; variables are the union. */
export function mergeLayouts(layouts: CellsLayout[], collection: string): CellsLayout | undefined {
  const first = layouts[0];
  if (!first) return undefined;
  const variables = new Set<string>();
  for (const l of layouts) {
    if (l.resolution !== first.resolution || l.time !== first.time)
      throw new CatalogInputError(
        `its items mix H3 resolutions or time and timeless tables (${first.resolution} and ${l.resolution}); query them separately`,
        `collection ${collection}`,
      );
    for (const v of l.variables) variables.add(v);
  }
  const key = (l: CellsLayout) => `${l.count}:${l.variables.join(",")}`;
  const uniform = layouts.every((l) => key(l) === key(first));
  return { ...first, count: layouts.some((l) => l.count), variables: [...variables], uniform };
}
