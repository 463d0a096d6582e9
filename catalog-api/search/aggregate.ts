import { all, concat, type Fragment, join, sql } from "../backend/sql.js";
import type { CatalogStore } from "../backend/store.js";
import { h3ResolutionMasks } from "../backend/summaries.js";
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
  { name: "property_range_frequency", data_type: "frequency_distribution" },
  { name: "statistics", data_type: "object" },
] as const;

const INTERVAL_MS: Record<string, number> = { hour: 3_600_000, day: 86_400_000 };
const CALENDAR = new Set(["month", "year"]);
const MAX_RANGES = 100;
const MAX_STATISTICS = 20;

/** A bucket of property_range_frequency: [from, to), either end open. */
export interface Range {
  from?: number;
  to?: number;
}
const MAX_BUCKETS = 10_000;

export interface AggregateOptions {
  names: string[];
  /** datetime_frequency bucket: hour or day (of the item's start, UTC). */
  interval: string;
  /** grid_geohex_frequency: H3 resolution 0-15. */
  precision: number;
  /** property_range_frequency: the numeric property and its ranges. */
  rangeProperty?: string;
  ranges?: Range[];
  /** statistics: numeric properties to give count, min, max, mean and sum of. */
  statisticsProperties?: string[];
}

/**
 * Counts over the items a search matches, answered by SQL (GROUP BY), never by loading items: total_count;
 * datetime_frequency (items by the hour or day their span starts, UTC); grid_geohex_frequency (items by the H3
 * cell of the chosen resolution containing a cell of their coverage: a cell finer than the resolution counts in
 * its ancestor, an item covering a coarser cell is not counted there; an item counts once per bucket).
 */
export async function aggregate(store: CatalogStore, req: SearchRequest, o: AggregateOptions) {
  const queryables = await queryablesFor(store, req.collections);
  const where = searchCondition(req, queryables, store.dialect);
  // nothing asked beyond collections: the per-collection summaries (backend/summaries.ts) answer
  const whole = wholeCollections(req);
  const numericName = (name: string, parameter: string) => {
    const q = queryables.find((x) => x.name === name.replace(/^properties\./, ""));
    if (q?.kind !== "json" || (q.type !== "number" && q.type !== "integer"))
      throw new CatalogInputError(`"${name}" is not a numeric queryable (see /queryables)`, parameter);
    return q.name;
  };
  // a numeric property's value, and the rows it is read from (for one property at a time)
  const numeric = (name: string, parameter: string) =>
    whole ? sql("n.value") : store.dialect.jsonProperty(numericName(name, parameter), "number");
  const numbersFrom = (name: string, parameter: string) =>
    whole
      ? concat(sql("item_numbers n WHERE n.name = ? AND ", numericName(name, parameter)), whole("n"))
      : concat("items WHERE ", where);
  const out: Record<string, unknown>[] = [];
  for (const name of o.names) {
    if (name === "total_count" && whole) {
      const [row] = await store.query(concat("SELECT sum(a.n) AS n FROM agg_day a WHERE ", whole("a")));
      out.push({ name, data_type: "integer", value: Number(row?.n ?? 0) });
    } else if (name === "total_count") {
      const [row] = await store.query(concat("SELECT count(*) AS n FROM items WHERE ", where));
      out.push({ name, data_type: "integer", value: Number(row?.n) });
    } else if (name === "datetime_frequency" && CALENDAR.has(o.interval)) {
      const unit = o.interval as "month" | "year";
      const rows = await store.query(
        whole
          ? concat(
              "SELECT ",
              store.dialect.calendarKey(unit, "a.day"),
              " AS k, sum(a.n) AS n FROM agg_day a WHERE ",
              whole("a"),
              sql(" GROUP BY k HAVING sum(a.n) > 0 ORDER BY k LIMIT ?", MAX_BUCKETS),
            )
          : concat(
              "SELECT ",
              store.dialect.calendarKey(unit, "items.dt_start"),
              " AS k, count(*) AS n FROM items WHERE ",
              where,
              sql(" GROUP BY k ORDER BY k LIMIT ?", MAX_BUCKETS),
            ),
      );
      // keys come back as "YYYY" or "YYYY-MM": the bucket's first instant, UTC
      const start = (k: string) =>
        new Date(Date.UTC(Number(k.slice(0, 4)), k.length > 4 ? Number(k.slice(5, 7)) - 1 : 0)).toISOString();
      out.push(
        frequency(
          name,
          rows.map((r) => [start(String(r.k)), Number(r.n)]),
        ),
      );
    } else if (name === "property_range_frequency") {
      const ranges = o.ranges ?? [];
      if (!o.rangeProperty) throw new CatalogInputError("names no property", "range_property");
      if (ranges.length === 0 || ranges.length > MAX_RANGES)
        throw new CatalogInputError(`must give 1 to ${MAX_RANGES} ranges`, "ranges");
      const v = numeric(o.rangeProperty, "range_property");
      // one scan: a sum per range (ranges may overlap; an item counts in each range it falls in)
      const sums = ranges.map((r, i) => {
        const tests: Fragment[] = [];
        if (r.from !== undefined) tests.push(concat(v, sql(" >= CAST(? AS DOUBLE PRECISION)", r.from)));
        if (r.to !== undefined) tests.push(concat(v, sql(" < CAST(? AS DOUBLE PRECISION)", r.to)));
        if (tests.length === 0) tests.push(concat(v, " IS NOT NULL"));
        return concat("sum(CASE WHEN ", all(tests, "AND"), ` THEN 1 ELSE 0 END) AS r${i}`);
      });
      const [row] = await store.query(
        concat("SELECT ", join(sums, ", "), " FROM ", numbersFrom(o.rangeProperty, "range_property")),
      );
      out.push({
        name,
        data_type: "frequency_distribution",
        property: o.rangeProperty,
        buckets: ranges.map((r, i) => ({
          key: `${r.from ?? "*"}-${r.to ?? "*"}`,
          data_type: "frequency_distribution",
          frequency: Number(row?.[`r${i}`] ?? 0),
          ...(r.from === undefined ? {} : { from: r.from }),
          ...(r.to === undefined ? {} : { to: r.to }),
        })),
      });
    } else if (name === "statistics") {
      const names = o.statisticsProperties ?? [];
      if (names.length === 0 || names.length > MAX_STATISTICS)
        throw new CatalogInputError(
          `must name 1 to ${MAX_STATISTICS} numeric properties`,
          "statistics_properties",
        );
      const value: Record<string, unknown> = {};
      // one property per query when summarised (each reads its own index range), all in one scan otherwise
      const groups = whole ? names.map((p) => [p]) : [names];
      for (const group of groups) {
        const parts = group.map((p, i) => {
          const v = numeric(p, "statistics_properties");
          return concat(
            "count(",
            v,
            `) AS c${i}, min(`,
            v,
            `) AS lo${i}, max(`,
            v,
            `) AS hi${i}, sum(`,
            v,
            `) AS s${i}`,
          );
        });
        const [row] = await store.query(
          concat("SELECT ", join(parts, ", "), " FROM ", numbersFrom(group[0]!, "statistics_properties")),
        );
        group.forEach((p, i) => {
          const count = Number(row?.[`c${i}`] ?? 0);
          const sum = count ? Number(row?.[`s${i}`]) : null;
          value[p] = {
            count,
            min: count ? Number(row?.[`lo${i}`]) : null,
            max: count ? Number(row?.[`hi${i}`]) : null,
            sum,
            mean: count ? sum! / count : null,
          };
        });
      }
      out.push({ name, data_type: "object", value: Object.fromEntries(names.map((p) => [p, value[p]])) });
    } else if (name === "datetime_frequency") {
      const w = INTERVAL_MS[o.interval];
      if (!w)
        throw new CatalogInputError(
          'must be "hour", "day", "month" or "year"',
          "datetime_frequency_interval",
        );
      // floor to the bucket (also before 1970): dt - ((dt % w) + w) % w
      const rows = await store.query(
        whole && o.interval === "day"
          ? concat(
              "SELECT a.day AS k, sum(a.n) AS n FROM agg_day a WHERE ",
              whole("a"),
              sql(" GROUP BY a.day HAVING sum(a.n) > 0 ORDER BY k LIMIT ?", MAX_BUCKETS),
            )
          : concat(
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
      const { keep, set } = h3ResolutionMasks()[r]!;
      const d = store.dialect;
      const rows = await store.query(
        whole
          ? concat(
              sql("SELECT CAST(a.cell AS TEXT) AS k, sum(a.n) AS n FROM agg_h3 a WHERE a.res = ? AND ", r),
              whole("a"),
              sql(" GROUP BY a.cell HAVING sum(a.n) > 0 ORDER BY 2 DESC, 1 LIMIT ?", MAX_BUCKETS),
            )
          : concat(
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

/**
 * When the search asks for nothing but (optionally) collections, the condition on a summary table's rows (alias
 * given) selecting those collections; undefined when the search must run over the items.
 */
function wholeCollections(req: SearchRequest): ((alias: string) => Fragment) | undefined {
  const { collections, ids, bbox, intersects, datetime, h3, filter, q } = req;
  if (ids || bbox || intersects || datetime || h3 || filter || q) return undefined;
  return (alias) =>
    collections
      ? sql(`${alias}.collection IN (${collections.map(() => "?").join(", ")})`, ...collections)
      : sql("1=1");
}

function frequency(name: string, buckets: [string, number][]) {
  return {
    name,
    data_type: "frequency_distribution",
    buckets: buckets.map(([key, frequency]) => ({ key, data_type: "frequency_distribution", frequency })),
  };
}
