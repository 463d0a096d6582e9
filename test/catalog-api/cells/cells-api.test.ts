/**
 * /collections/{id}/cells on the demo's output: every parameter, alone and combined, against a brute-force DuckDB
 * query over all the project's Parquet files (brute-force.ts); paging without duplicates or gaps; injection
 * attempts through filter, h3 and datetime; formats and errors.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../../catalog-api/api/app.js";
import { SqliteStore } from "../../../catalog-api/backend/sqlite-store.js";
import { runSearch } from "../../../catalog-api/search/run-search.js";
import type { StacItem } from "../../../catalog-api/stac/types.js";
import { type Brute, bruteForce, PARENT_RES } from "./brute-force.js";
import { type DemoOutput, makeDemoOutput } from "./demo-output.js";

let demo: DemoOutput;
let brute: Brute;
let app: ReturnType<typeof createApp>;
let path: string;

beforeAll(async () => {
  demo = await makeDemoOutput(2);
  brute = await bruteForce(demo.h3Root, demo.dir);
  app = createApp({ store: demo.store, dataRoots: [demo.h3Root] });
  path = `/collections/${demo.collection}/cells`;
}, 120_000);

afterAll(async () => {
  brute?.close();
  await demo?.cleanup();
});

/** Every page of a GET query as CSV rows (header dropped), following the Link header. */
async function apiRows(query: string, limit = 20_000): Promise<string[][]> {
  let url: string | undefined = `${path}?${query}${query ? "&" : ""}f=csv&limit=${limit}`;
  const rows: string[][] = [];
  while (url) {
    const res = await app.request(url);
    const body = await res.text();
    expect(res.status, body).toBe(200);
    rows.push(
      ...body
        .trimEnd()
        .split("\r\n")
        .slice(1)
        .filter(Boolean)
        .map((l) => l.split(",")),
    );
    url = /<([^>]+)>; rel="next"/.exec(res.headers.get("link") ?? "")?.[1];
  }
  return rows;
}

/** Same rows in the same order; numbers equal to the last few bits (sums and means may add in another order). */
function expectSameRows(actual: string[][], expected: string[][]): void {
  expect(actual.length).toBe(expected.length);
  expect(expected.length).toBeGreaterThan(0);
  for (let i = 0; i < actual.length; i++) {
    const row = actual[i]!;
    const want = expected[i]!;
    const same =
      row.length === want.length &&
      row.every((v, j) => {
        const w = want[j]!;
        if (v === w) return true;
        const a = Number(v);
        const b = Number(w);
        return (
          Number.isFinite(a) && Number.isFinite(b) && Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b))
        );
      });
    if (!same) expect(`row ${i}: ${row.join(",")}`).toBe(`row ${i}: ${want.join(",")}`);
  }
}

/** A hexadecimal H3 cell as a DuckDB UBIGINT literal. */
const u = (hex: string) => BigInt(`0x${hex}`).toString();

const ROWS = "SELECT h5, time, tp FROM data";
// a res-3 cell, a res-5 cell and a res-7 cell inside the demo's grid (0..30 E, 30..60 N)
const H3_CELLS = ["831f48fffffffff", "851fa003fffffff", "871fa0000ffffff"] as const;

// each case reads the whole project (1.7 million rows) once or twice: slow on a loaded machine
describe("cells = brute-force DuckDB over every file", { timeout: 120_000 }, () => {
  it("no parameter: every row, in pages of 50,000 (the first three pages)", async () => {
    let url: string | undefined = `${path}?f=csv&limit=50000`;
    const rows: string[][] = [];
    for (let i = 0; i < 3 && url; i++) {
      const res = await app.request(url);
      rows.push(
        ...(await res.text())
          .trimEnd()
          .split("\r\n")
          .slice(1)
          .map((l) => l.split(",")),
      );
      url = /<([^>]+)>; rel="next"/.exec(res.headers.get("link") ?? "")?.[1];
    }
    expectSameRows(rows, await brute.rows(`${ROWS} ORDER BY 1, 2 LIMIT 150000`));
  });

  it("datetime: an instant, a closed and an open interval", async () => {
    expectSameRows(
      await apiRows("datetime=2022-01-02T05:00:00Z"),
      await brute.rows(`${ROWS} WHERE time = '2022-01-02T05:00:00Z' ORDER BY 1, 2`),
    );
    expectSameRows(
      await apiRows("datetime=2022-01-01T22:00:00Z/2022-01-02T01:00:00Z"),
      await brute.rows(
        `${ROWS} WHERE time BETWEEN '2022-01-01T22:00:00Z' AND '2022-01-02T01:00:00Z' ORDER BY 1, 2`,
      ),
    );
    expectSameRows(
      await apiRows("datetime=2022-01-02T21:30:00Z/.."),
      await brute.rows(`${ROWS} WHERE time >= '2022-01-02T21:30:00Z' ORDER BY 1, 2`),
    );
  });

  it("datetime covering whole files (the time test is left out) and cutting them", async () => {
    // the demo's items span 2022-01-01T00 to 2022-01-02T23: the first interval covers them exactly
    for (const [interval, where] of [
      ["2022-01-01T00:00:00Z/2022-01-02T23:00:00Z", "TRUE"],
      ["2021-12-01T00:00:00Z/..", "TRUE"],
      ["2022-01-01T00:00:00Z/2022-01-02T22:00:00Z", "time <= '2022-01-02T22:00:00Z'"],
      ["2022-01-01T01:00:00Z/2022-01-02T23:00:00Z", "time >= '2022-01-01T01:00:00Z'"],
    ])
      expectSameRows(
        await apiRows(`datetime=${interval}&aggregate=mean,count`),
        await brute.rows(`SELECT h5, avg(tp), count(tp) FROM data WHERE ${where} GROUP BY 1 ORDER BY 1`),
      );
  });

  it("h3: cells at a coarser, the same and a finer resolution", async () => {
    const [r3, r5, r7] = H3_CELLS;
    expectSameRows(
      await apiRows(`h3=${r3}`),
      await brute.rows(`${ROWS} JOIN cells ON cell = h5 WHERE p3 = ${u(r3)} ORDER BY 1, 2`),
    );
    expectSameRows(await apiRows(`h3=${r5}`), await brute.rows(`${ROWS} WHERE h5 = ${u(r5)} ORDER BY 1, 2`));
    // the res-7 cell's res-5 ancestor is 851fa003fffffff
    expectSameRows(await apiRows(`h3=${r7}`), await brute.rows(`${ROWS} WHERE h5 = ${u(r5)} ORDER BY 1, 2`));
    expectSameRows(
      await apiRows(`h3=${r3},${r5}&datetime=2022-01-01T03:00:00Z`),
      await brute.rows(
        `${ROWS} JOIN cells ON cell = h5 WHERE (p3 = ${u(r3)} OR h5 = ${u(r5)}) AND time = '2022-01-01T03:00:00Z' ORDER BY 1, 2`,
      ),
    );
  });

  it("bbox: cells whose centre lies in the box", async () => {
    expectSameRows(
      await apiRows("bbox=5.2,44.7,9.9,48.1&datetime=2022-01-01T12:00:00Z"),
      await brute.rows(
        `${ROWS} JOIN cells ON cell = h5 WHERE lng BETWEEN 5.2 AND 9.9 AND lat BETWEEN 44.7 AND 48.1 AND time = '2022-01-01T12:00:00Z' ORDER BY 1, 2`,
      ),
    );
  });

  it("filter: CQL2 text and JSON over the variable and time", async () => {
    const cases: [string, string][] = [
      ["tp > 0.004 AND tp <= 0.01", "tp > 0.004 AND tp <= 0.01"],
      ["tp BETWEEN 0.001 AND 0.002 OR NOT (tp >= 0)", "tp BETWEEN 0.001 AND 0.002 OR NOT (tp >= 0)"],
      [
        "tp IN (0, 0.000005) AND time < TIMESTAMP('2022-01-01T06:00:00Z')",
        "tp IN (0, 0.000005) AND time < '2022-01-01T06:00:00Z'",
      ],
      [
        "T_DURING(time, INTERVAL('2022-01-01T10:00:00Z', '2022-01-01T14:00:00Z')) AND tp > 0.003",
        "time > '2022-01-01T10:00:00Z' AND time < '2022-01-01T14:00:00Z' AND tp > 0.003",
      ],
      ["tp IS NULL", "tp IS NULL"],
    ];
    for (const [cql, where] of cases) {
      const rows = await brute.rows(`${ROWS} WHERE ${where} ORDER BY 1, 2`);
      const actual = await apiRows(`filter=${encodeURIComponent(cql)}`);
      if (rows.length === 0) expect(actual, cql).toEqual([]);
      else expectSameRows(actual, rows);
    }
    const json = {
      op: "and",
      args: [
        { op: ">", args: [{ property: "tp" }, 0.005] },
        { op: "t_after", args: [{ property: "time" }, { timestamp: "2022-01-02T12:00:00Z" }] },
      ],
    };
    expectSameRows(
      await apiRows(`filter-lang=cql2-json&filter=${encodeURIComponent(JSON.stringify(json))}`),
      await brute.rows(`${ROWS} WHERE tp > 0.005 AND time > '2022-01-02T12:00:00Z' ORDER BY 1, 2`),
    );
  });

  it("every CQL2 temporal function on time, against Allen's relations evaluated here", async () => {
    const cell = H3_CELLS[1];
    const all = (await apiRows(`h3=${cell}`)).map((r) => r[1]!);
    expect(all).toHaveLength(48);
    const [a, b] = [Date.parse("2022-01-01T10:00:00Z"), Date.parse("2022-01-01T20:00:00Z")];
    // the row's time is an instant: its start and end are both t
    const relations: Record<string, (t: number) => boolean> = {
      t_after: (t) => t > b,
      t_before: (t) => t < a,
      t_contains: (t) => t < a && t > b,
      t_disjoint: (t) => t < a || t > b,
      t_during: (t) => t > a && t < b,
      t_equals: (t) => t === a && t === b,
      t_finishedby: (t) => t < a && t === b,
      t_finishes: (t) => t > a && t === b,
      t_intersects: (t) => t <= b && t >= a,
      t_meets: (t) => t === a,
      t_metby: (t) => t === b,
      t_overlappedby: (t) => t > a && t < b && t > b,
      t_overlaps: (t) => t < a && t > a && t < b,
      t_startedby: (t) => t === a && t > b,
      t_starts: (t) => t === a && t < b,
    };
    for (const [op, holds] of Object.entries(relations)) {
      const cql = `${op.toUpperCase()}(time, INTERVAL('2022-01-01T10:00:00Z', '2022-01-01T20:00:00Z'))`;
      const got = (await apiRows(`h3=${cell}&filter=${encodeURIComponent(cql)}`)).map((r) => r[1]);
      expect(got, op).toEqual(all.filter((t) => holds(Date.parse(t))));
    }
  });

  it("aggregate over time per cell: mean, min, max, sum, count", async () => {
    expectSameRows(
      await apiRows("aggregate=mean,min,max,sum,count"),
      await brute.rows(
        "SELECT h5, avg(tp), min(tp), max(tp), sum(tp), count(tp) FROM data GROUP BY 1 ORDER BY 1",
      ),
    );
  });

  it("resolution: parents at a coarser resolution (per time step, and aggregated over time)", async () => {
    expectSameRows(
      await apiRows(`resolution=${PARENT_RES}&datetime=2022-01-01T00:00:00Z/2022-01-01T02:00:00Z`),
      await brute.rows(
        "SELECT p3, time, avg(tp) FROM data JOIN cells ON cell = h5 WHERE time <= '2022-01-01T02:00:00Z' GROUP BY 1, 2 ORDER BY 1, 2",
      ),
    );
    expectSameRows(
      await apiRows(`resolution=${PARENT_RES}&aggregate=max,count`),
      await brute.rows(
        "SELECT p3, max(tp), count(tp) FROM data JOIN cells ON cell = h5 GROUP BY 1 ORDER BY 1",
      ),
    );
  });

  it("every parameter at once, by GET and by POST", async () => {
    const filter = "tp > 0.002";
    const expected = await brute.rows(
      `SELECT p3, avg(tp), sum(tp) FROM data JOIN cells ON cell = h5 WHERE lng BETWEEN 3 AND 20 AND lat BETWEEN 38 AND 52 AND (p3 = ${u(H3_CELLS[0])} OR p3 = ${u("831fa0fffffffff")}) AND time BETWEEN '2022-01-01T06:00:00Z' AND '2022-01-02T06:00:00Z' AND tp > 0.002 GROUP BY 1 ORDER BY 1`,
    );
    const query = `bbox=3,38,20,52&h3=${H3_CELLS[0]},831fa0fffffffff&datetime=2022-01-01T06:00:00Z/2022-01-02T06:00:00Z&filter=${encodeURIComponent(filter)}&aggregate=mean,sum&resolution=3`;
    expectSameRows(await apiRows(query), expected);
    const res = await app.request(`${path}?f=csv`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        bbox: [3, 38, 20, 52],
        h3: [H3_CELLS[0], "831fa0fffffffff"],
        datetime: "2022-01-01T06:00:00Z/2022-01-02T06:00:00Z",
        filter: { op: ">", args: [{ property: "tp" }, 0.002] },
        aggregate: ["mean", "sum"],
        resolution: 3,
      }),
    });
    expect(res.status).toBe(200);
    const rows = (await res.text())
      .trimEnd()
      .split("\r\n")
      .slice(1)
      .map((l) => l.split(","));
    expectSameRows(rows, expected);
  });

  it("prunes by the items: an instant in a small box reads only the files of the items that hold it", async () => {
    const query = "datetime=2022-01-01T03:00:00Z&bbox=1,56,4,59";
    const all = await app.request(`${path}?limit=1`);
    const one = await app.request(`${path}?limit=1&${query}`);
    const files = (r: Response) => Number(r.headers.get("x-refs-files"));
    // The item search with the same bbox and instant names the Parquet files that hold matching rows; the cells
    // query prunes on the items' indexed bbox and time span (no exact geometry test), so it may read a few more.
    const search = await app.request(`/search?collections=${demo.collection}&${query}&limit=1000`);
    const features = ((await search.json()) as { features: { assets: Record<string, { href: string }> }[] })
      .features;
    const parquet = features.filter((f) => f.assets.data?.href.endsWith(".parquet")).length;
    expect(files(one)).toBeGreaterThan(0);
    expect(files(one)).toBeGreaterThanOrEqual(parquet);
    expect(files(one)).toBeLessThan(files(all));
  });
});

describe("paging", { timeout: 120_000 }, () => {
  for (const [what, query] of [
    ["rows", "datetime=2022-01-01T00:00:00Z/2022-01-01T01:00:00Z"],
    ["aggregates", "aggregate=max"],
    ["parents per time step", "resolution=3&datetime=2022-01-01T00:00:00Z/2022-01-01T05:00:00Z"],
    ["parents", "resolution=2&aggregate=sum"],
  ] as const) {
    it(`${what}: small pages join into the whole answer, no row twice, none missing`, async () => {
      const whole = await apiRows(query, 50_000);
      const paged = await apiRows(query, 997);
      expectSameRows(paged, whole);
      const keys = paged.map((r) => (r.length > 2 && r[1]?.includes("T") ? `${r[0]}@${r[1]}` : r[0]));
      expect(new Set(keys).size).toBe(keys.length);
    });
  }

  it("GeoJSON pages link to the next one (GET: token in the URL; POST: the body with the token)", async () => {
    const res = await app.request(`${path}?limit=5&datetime=2022-01-01T00:00:00Z`);
    const page = (await res.json()) as {
      features: { id: string; geometry: { type: string; coordinates: number[][][] } }[];
      links: { rel: string; href: string }[];
    };
    expect(page.features).toHaveLength(5);
    expect(page.features[0]?.geometry.type).toBe("Polygon");
    expect(page.features[0]?.geometry.coordinates[0]).toHaveLength(7); // a hexagon, closed
    const next = page.links.find((l) => l.rel === "next");
    const second = (await (await app.request(next!.href)).json()) as { features: { id: string }[] };
    expect(String(second.features[0]?.id) > String(page.features[4]?.id)).toBe(true);
    const post = await app.request(path, {
      method: "POST",
      body: JSON.stringify({ limit: 5, datetime: "2022-01-01T00:00:00Z" }),
      headers: { "content-type": "application/json" },
    });
    const postPage = (await post.json()) as {
      links: { rel: string; method?: string; body?: { token?: string } }[];
    };
    const postNext = postPage.links.find((l) => l.rel === "next");
    expect(postNext?.method).toBe("POST");
    expect(postNext?.body?.token).toBeTypeOf("string");
    // the POST next page is the GET next page
    const postSecond = await app.request(path, {
      method: "POST",
      body: JSON.stringify(postNext?.body),
      headers: { "content-type": "application/json" },
    });
    const ids = (r: { features: { id: string }[] }) => r.features.map((f) => f.id);
    expect(ids((await postSecond.json()) as { features: { id: string }[] })).toEqual(ids(second));
  });
});

describe("formats", () => {
  it("Parquet (f=parquet or Accept) holds the same rows as CSV", async () => {
    const q = "datetime=2022-01-01T07:00:00Z&bbox=10,40,14,44";
    const csv = await apiRows(q);
    for (const init of [
      { url: `${path}?${q}&f=parquet`, headers: {} as Record<string, string> },
      { url: `${path}?${q}`, headers: { accept: "application/vnd.apache.parquet" } },
    ]) {
      const res = await app.request(`${init.url}&limit=20000`, { headers: init.headers });
      expect(res.headers.get("content-type")).toBe("application/vnd.apache.parquet");
      const file = `${demo.dir}/page-${Math.random()}.parquet`;
      await import("node:fs/promises").then((fs) =>
        res.arrayBuffer().then((b) => fs.writeFile(file, Buffer.from(b))),
      );
      expectSameRows(await brute.rows(`SELECT h5, time, tp FROM read_parquet('${file}')`), csv);
    }
    const byAccept = await app.request(`${path}?${q}`, { headers: { accept: "text/csv" } });
    expect(byAccept.headers.get("content-type")).toContain("text/csv");
  });
});

describe("bad input is a 400 with a STAC error body and no SQL; injection attempts are harmless", () => {
  const attempts: [string, RegExp][] = [
    ["filter=tp > 0; DROP TABLE data", /filter/],
    ["filter=tp > 0) OR (1=1", /filter/],
    [`filter=${encodeURIComponent("tp = 'x'') OR 1=1 --'")}`, /filter/],
    [`filter=${encodeURIComponent('"tp; DROP TABLE data" > 0')}`, /filter/],
    [`filter=${encodeURIComponent("read_parquet('/etc/passwd') > 0")}`, /filter/],
    ["h3=85'; SELECT 1; --", /h3/],
    ["h3=0x851fa003fffffff", /h3/],
    ["datetime=2022-01-01T00:00:00Z' OR '1'='1", /datetime/],
    ["datetime=2022-01-01", /datetime/],
    ["bbox=1,2,3", /bbox/],
    ["aggregate=median", /aggregate/],
    ["resolution=9", /resolution/],
    ["resolution=1; DROP", /resolution/],
    ["limit=0", /limit/],
    ["token=abc", /token/],
    ["f=xlsx", /f:/],
    ["select=*", /select/],
  ];
  for (const [query, names] of attempts) {
    it(query, async () => {
      const res = await app.request(`${path}?${query}`);
      const body = (await res.json()) as { code: string; description: string };
      expect(res.status).toBe(400);
      expect(body.code).toBe("BadRequest");
      expect(body.description).toMatch(names);
      // the client's own text may be quoted back; the server's SQL and DuckDB's messages never are
      expect(body.description).not.toMatch(
        /read_parquet\(\?|hive_partitioning|UBIGINT|Parser Error|Binder Error/,
      );
    });
  }

  it("a token from another grouping is refused, and the data is still all there afterwards", async () => {
    const res = await app.request(`${path}?limit=2&aggregate=max`);
    const token = /token=([^&>]+)/.exec(res.headers.get("link") ?? "")?.[1];
    expect(token).toBeDefined();
    const other = await app.request(`${path}?limit=2&token=${token}`);
    expect(other.status).toBe(400);
    expect(((await other.json()) as { description: string }).description).toMatch(
      /another resolution or aggregation/,
    );
    expect((await apiRows("datetime=2022-01-01T00:00:00Z")).length).toBeGreaterThan(1000);
  });

  it("an unknown collection is a 404", async () => {
    expect((await app.request("/collections/nope/cells")).status).toBe(404);
  });
});

describe("outputs in object stores", () => {
  it("answers 501 naming httpfs when DuckDB cannot load it, and 404 for a collection without H3 Parquet", async () => {
    const store = new SqliteStore(":memory:");
    const collection = (await demo.store.getCollection(demo.collection))!;
    await store.putCollection(collection);
    const page = await runSearch(demo.store, { collections: [demo.collection], limit: 3 });
    const items = page.items.map((f) => JSON.parse(f.text) as StacItem);
    for (const item of items)
      if (item.assets.data) item.assets.data.href = `s3://bucket/era5/${item.id}.parquet`;
    await store.putItems(collection.id, items);
    const s3App = createApp({ store, dataRoots: ["s3://bucket/era5"] });
    const res = await s3App.request(`/collections/${collection.id}/cells?limit=1`);
    const body = (await res.json()) as { description: string };
    expect(res.status).toBe(501);
    expect(body.description).toMatch(/s3:\/\/bucket\/era5\/.*httpfs/);
    await store.putCollection({ ...collection, id: "empty" });
    expect((await s3App.request("/collections/empty/cells")).status).toBe(404);
    await store.close();
  });
});
