import { concat, sql } from "../backend/sql.js";
import type { CatalogStore } from "../backend/store.js";
import { CatalogInputError } from "../errors.js";
import { cellToHex } from "../h3/cell-ranges.js";
import { searchCondition } from "./build-query.js";
import type { SearchRequest } from "./request.js";
import { queryablesFor } from "./run-search.js";

/** What /aggregations lists and /aggregate answers (STAC API aggregation extension). */
export const AGGREGATIONS = [
  { name: "total_count", data_type: "integer" },
  { name: "datetime_frequency", data_type: "frequency_distribution" },
  { name: "grid_geohex_frequency", data_type: "frequency_distribution" },
] as const;

const INTERVAL_MS: Record<string, number> = { hour: 3_600_000, day: 86_400_000 };
const RES_SHIFT = 52n;
const MAX_BUCKETS = 10_000;

export interface AggregateOptions {
  names: string[];
  /** datetime_frequency bucket: hour or day (of the item's start, UTC). */
  interval: string;
  /** grid_geohex_frequency: H3 resolution 0-15. */
  precision: number;
}

/**
 * Counts over the items a search matches, answered by SQL (GROUP BY), never by loading items: total_count;
 * datetime_frequency (items by the hour or day their span starts, UTC); grid_geohex_frequency (items by the H3
 * cell of the chosen resolution containing a cell of their coverage: a cell finer than the resolution counts in
 * its ancestor, an item covering a coarser cell is not counted there; an item counts once per bucket).
 */
export async function aggregate(store: CatalogStore, req: SearchRequest, o: AggregateOptions) {
  const where = searchCondition(req, await queryablesFor(store, req.collections), store.dialect);
  const out: Record<string, unknown>[] = [];
  for (const name of o.names) {
    if (name === "total_count") {
      const [row] = await store.query(concat("SELECT count(*) AS n FROM items WHERE ", where));
      out.push({ name, data_type: "integer", value: Number(row?.n) });
    } else if (name === "datetime_frequency") {
      const w = INTERVAL_MS[o.interval];
      if (!w) throw new CatalogInputError('must be "hour" or "day"', "datetime_frequency_interval");
      // floor to the bucket (also before 1970): dt - ((dt % w) + w) % w
      const rows = await store.query(
        concat(
          sql(
            "SELECT (items.dt_start - ((items.dt_start % CAST(? AS BIGINT)) + CAST(? AS BIGINT)) % CAST(? AS BIGINT)) AS k, count(*) AS n FROM items WHERE ",
            w,
            w,
            w,
          ),
          where,
          sql(" GROUP BY k ORDER BY k LIMIT ?", MAX_BUCKETS),
        ),
      );
      out.push(
        frequency(
          name,
          rows.map((r) => [new Date(Number(r.k)).toISOString(), Number(r.n)]),
        ),
      );
    } else if (name === "grid_geohex_frequency") {
      const r = o.precision;
      if (!Number.isInteger(r) || r < 0 || r > 15)
        throw new CatalogInputError("must be an integer 0 to 15", "grid_geohex_frequency_precision");
      const low = (1n << BigInt(3 * (15 - r))) - 1n;
      const keep = ((1n << 63n) - 1n) & ~(0xfn << RES_SHIFT) & ~low;
      const set = (BigInt(r) << RES_SHIFT) | low;
      const d = store.dialect;
      const rows = await store.query(
        concat(
          sql(
            "SELECT CAST(((h.cell & ?) | ?) AS TEXT) AS k, count(DISTINCT h.pk) AS n FROM item_h3 h JOIN items ON items.pk = h.pk WHERE ((h.cell >> 52) & 15) >= ? AND ",
            d.bigint(keep),
            d.bigint(set),
            r,
          ),
          where,
          sql(" GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT ?", MAX_BUCKETS),
        ),
      );
      out.push(
        frequency(
          name,
          rows.map((x) => [cellToHex(BigInt(x.k as string)), Number(x.n)]),
        ),
      );
    } else {
      throw new CatalogInputError(
        `"${name}" is not an aggregation here (${AGGREGATIONS.map((a) => a.name).join(", ")})`,
        "aggregations",
      );
    }
  }
  return out;
}

function frequency(name: string, buckets: [string, number][]) {
  return {
    name,
    data_type: "frequency_distribution",
    buckets: buckets.map(([key, frequency]) => ({ key, data_type: "frequency_distribution", frequency })),
  };
}
