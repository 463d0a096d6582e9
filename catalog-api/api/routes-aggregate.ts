import type { Context, Hono } from "hono";
import { AGGREGATIONS, aggregate, type Range } from "../search/aggregate.js";
import { searchFromBody, searchFromQuery } from "../search/parse-params.js";
import type { ApiOptions } from "./context.js";
import { baseUrl } from "./context.js";
import { apiError } from "./http-errors.js";

const OWN = [
  "aggregations",
  "datetime_frequency_interval",
  "grid_geohex_frequency_precision",
  "range_property",
  "ranges",
  "statistics_properties",
];

/** The aggregation extension: /aggregations lists what /aggregate (GET, POST: search parameters plus these) answers. */
export function aggregateRoutes(app: Hono, o: ApiOptions): void {
  app.get("/aggregations", (c) =>
    c.json({
      aggregations: AGGREGATIONS,
      links: [
        { rel: "root", href: `${baseUrl(c)}/`, type: "application/json" },
        { rel: "self", href: `${baseUrl(c)}/aggregations`, type: "application/json" },
      ],
    }),
  );
  app.get("/aggregate", async (c) => {
    const q = { ...c.req.query() };
    const own = take(q);
    return answer(c, o, searchFromQuery(q), own);
  });
  app.post("/aggregate", async (c) => {
    const body = (await c.req.json().catch(() => {
      throw apiError(400, "body: not valid JSON");
    })) as Record<string, unknown>;
    if (typeof body !== "object" || body === null || Array.isArray(body))
      throw apiError(400, "body: not an object");
    const rest = { ...body };
    const own = take(rest);
    return answer(c, o, searchFromBody(rest), own);
  });
}

function take(q: Record<string, unknown>): Record<string, unknown> {
  const own: Record<string, unknown> = {};
  for (const k of OWN) {
    own[k] = q[k];
    delete q[k];
  }
  return own;
}

async function answer(
  c: Context,
  o: ApiOptions,
  req: ReturnType<typeof searchFromQuery>,
  own: Record<string, unknown>,
) {
  const list = own.aggregations;
  const names = Array.isArray(list)
    ? list.map(String)
    : typeof list === "string"
      ? list.split(",")
      : ["total_count"];
  const precision = own.grid_geohex_frequency_precision;
  const aggregations = await aggregate(o.store, req, {
    names: names.map((n) => n.trim()).filter(Boolean),
    interval: String(own.datetime_frequency_interval ?? "day"),
    precision: precision === undefined ? 5 : Number(precision),
    rangeProperty: own.range_property === undefined ? undefined : String(own.range_property),
    ranges: own.ranges === undefined ? undefined : parseRanges(own.ranges),
    statisticsProperties: listOf(own.statistics_properties),
  });
  return c.json({
    type: "AggregationCollection",
    aggregations,
    links: [{ rel: "root", href: `${baseUrl(c)}/` }],
  });
}

function listOf(v: unknown): string[] | undefined {
  if (v === undefined) return undefined;
  const list = Array.isArray(v) ? v : String(v).split(",");
  return list.map((x) => String(x).trim()).filter(Boolean);
}

/**
 * Ranges of property_range_frequency: GET `0:0.25,0.25:0.5,0.5:` (an empty end is open), POST the same string or
 * `[[0, 0.25], [0.25, 0.5], [0.5, null]]` or `[{"from": 0, "to": 0.25}, ...]`. Each is [from, to).
 */
function parseRanges(v: unknown): Range[] {
  const bad = () =>
    apiError(400, 'ranges: expected "from:to,..." or a list of [from, to] (null for an open end)');
  const end = (x: unknown): number | undefined => {
    if (x === null || x === undefined || x === "") return undefined;
    const n =
      typeof x === "number"
        ? x
        : typeof x === "string" && /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(x.trim())
          ? Number(x)
          : Number.NaN;
    if (!Number.isFinite(n)) throw bad();
    return n;
  };
  const pairs: unknown[][] = Array.isArray(v)
    ? v.map((r) =>
        Array.isArray(r)
          ? r
          : typeof r === "object" && r !== null
            ? [(r as Range).from, (r as Range).to]
            : [],
      )
    : String(v)
        .split(",")
        .map((r) => r.split(":"));
  return pairs.map((p) => {
    if (p.length !== 2) throw bad();
    const r: Range = {};
    const from = end(p[0]);
    const to = end(p[1]);
    if (from !== undefined) r.from = from;
    if (to !== undefined) r.to = to;
    if (from !== undefined && to !== undefined && from >= to)
      throw apiError(400, `ranges: ${from}:${to} is empty`);
    return r;
  });
}
