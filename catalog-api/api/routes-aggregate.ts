import type { Context, Hono } from "hono";
import { AGGREGATIONS, aggregate } from "../search/aggregate.js";
import { searchFromBody, searchFromQuery } from "../search/parse-params.js";
import type { ApiOptions } from "./context.js";
import { baseUrl } from "./context.js";
import { apiError } from "./http-errors.js";

const OWN = ["aggregations", "datetime_frequency_interval", "grid_geohex_frequency_precision"];

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
  });
  return c.json({
    type: "AggregationCollection",
    aggregations,
    links: [{ rel: "root", href: `${baseUrl(c)}/` }],
  });
}
