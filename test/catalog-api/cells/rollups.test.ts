/**
 * Aggregates over time answered from the rollups compute writes beside each file (x-refs-cells-read: rollups), on
 * a generated month (31 days across two calendar-month windows, partitions split into several files) and on the
 * demo's two days: equal to brute-force DuckDB over the raw rows. count, min and max must be identical; sum and
 * mean add the same float32 values in another order, so they may differ in the last bits: at most 1e-12
 * relative (n values of one sign summed in any order differ by at most n x 2^-53 relative, n <= 744 here).
 * Queries the rollups cannot answer exactly (a filter on the rows, an interval cutting a day) read the rows.
 */
import { readdir } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../../catalog-api/api/app.js";
import { type Brute, bruteForce, PARENT_RES } from "./brute-force.js";
import { type DemoOutput, makeDemoOutput } from "./demo-output.js";

const RELATIVE = 1e-12;

interface Api {
  app: ReturnType<typeof createApp>;
  path: string;
}

/** Every page of a GET query as CSV rows, and what answered each page. */
async function apiRows(
  api: Api,
  query: string,
  limit = 20_000,
): Promise<{ rows: string[][]; read: string[] }> {
  let url: string | undefined = `${api.path}?${query}&f=csv&limit=${limit}`;
  const rows: string[][] = [];
  const read: string[] = [];
  while (url) {
    const res = await api.app.request(url);
    const body = await res.text();
    expect(res.status, body).toBe(200);
    read.push(String(res.headers.get("x-refs-cells-read")));
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
  return { rows, read };
}

/** Columns whose kind is "exact" must be identical text; "sum" columns may differ by RELATIVE. */
function expectEqual(actual: string[][], expected: string[][], kinds: ("exact" | "sum")[]): number {
  expect(actual.length).toBe(expected.length);
  expect(expected.length).toBeGreaterThan(0);
  let bitEqual = 0;
  actual.forEach((row, i) => {
    const want = expected[i]!;
    const ok =
      row.length === want.length &&
      row.every((v, j) => {
        if (v === want[j]) return true;
        if (kinds[j] !== "sum") return false;
        const a = Number(v);
        const b = Number(want[j]);
        return Number.isFinite(a) && Number.isFinite(b) && Math.abs(a - b) <= RELATIVE * Math.abs(b);
      });
    if (!ok) expect(`row ${i}: ${row.join(",")}`).toBe(`row ${i}: ${want.join(",")}`);
    if (row.every((v, j) => v === want[j])) bitEqual++;
  });
  return bitEqual;
}

const ALL = "aggregate=mean,min,max,sum,count";
const ALL_SQL = "avg(tp), min(tp), max(tp), sum(tp), count(tp)";
const ALL_KINDS = ["exact", "sum", "exact", "exact", "sum", "exact"] as const;

describe("rollups on a generated month", { timeout: 180_000 }, () => {
  let month: DemoOutput;
  let brute: Brute;
  let api: Api;

  beforeAll(async () => {
    month = await makeDemoOutput(31, "month", {
      series: {
        start: new Date(Date.UTC(2022, 0, 18)),
        latNorth: 52,
        latSouth: 44,
        lonWest: 4,
        lonEast: 14,
        chunks: [6, 33, 41],
      },
      compute: { resolution: 5, timePartition: "month", maxRowsPerFile: 150_000 },
    });
    brute = await bruteForce(month.h3Root, month.dir);
    api = {
      app: createApp({ store: month.store, dataRoots: [month.h3Root] }),
      path: `/collections/${month.collection}/cells`,
    };
  }, 300_000);

  afterAll(async () => {
    brute?.close();
    await month?.cleanup();
  });

  it("compute wrote one rollup beside every data file, and nothing else", async () => {
    const names = (await readdir(month.h3Root, { recursive: true })).map(String);
    const data = names.filter((n) => n.endsWith(".parquet")).sort();
    const rollups = names.filter((n) => n.endsWith(".rollup")).sort();
    expect(data.length).toBeGreaterThan(2); // two month windows, split into several files
    expect(rollups).toEqual(data.map((d) => `${d}.rollup`));
  });

  it("the whole series, whole calendar days, and the exact span of the data: answered by the rollups", async () => {
    const [, first, last] = (await brute.rows("SELECT 0, min(time), max(time) FROM data"))[0]!;
    for (const [interval, where] of [
      ["", "TRUE"],
      [
        "2022-02-01T00:00:00Z/2022-02-10T23:59:59Z",
        "time BETWEEN '2022-02-01T00:00:00Z' AND '2022-02-10T23:59:59Z'",
      ],
      [
        "2022-01-25T00:00:00Z/2022-02-02T23:00:00Z",
        "time BETWEEN '2022-01-25T00:00:00Z' AND '2022-02-02T23:00:00Z'",
      ],
      [`${first}/${last}`, "TRUE"],
      [`../${last}`, "TRUE"],
      ["2022-02-05T00:00:00Z/..", "time >= '2022-02-05T00:00:00Z'"],
    ] as const) {
      const got = await apiRows(api, `${interval ? `datetime=${interval}&` : ""}${ALL}`);
      expect(got.read, interval).toEqual(["rollups"]);
      const bitEqual = expectEqual(
        got.rows,
        await brute.rows(`SELECT h5, ${ALL_SQL} FROM data WHERE ${where} GROUP BY 1 ORDER BY 1`),
        [...ALL_KINDS],
      );
      expect(bitEqual).toBeGreaterThan(0);
    }
  });

  it("bbox, h3 and parents with paging: the rollups' pages join into the raw answer", async () => {
    // two res-3 parents with cells in the box: one whole, and one res-5 cell of the other
    const parents = await brute.rows(
      "SELECT p3, min(cell) FROM cells WHERE lng BETWEEN 6 AND 13 AND lat BETWEEN 45 AND 51 GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 2",
    );
    const [p3, , , other] = parents.flat();
    const h5 = BigInt(`0x${other}`);
    const query = `bbox=6,45,13,51&h3=${p3},${other}&resolution=${PARENT_RES}&datetime=2022-01-20T00:00:00Z/2022-02-12T23:00:00Z&${ALL}`;
    const got = await apiRows(api, query, 1);
    expect(got.read.length).toBeGreaterThan(1);
    expect(new Set(got.read)).toEqual(new Set(["rollups"]));
    expectEqual(
      got.rows,
      await brute.rows(
        `SELECT p3, ${ALL_SQL} FROM data JOIN cells ON cell = h5 WHERE lng BETWEEN 6 AND 13 AND lat BETWEEN 45 AND 51 AND (p3 = ${BigInt(`0x${p3}`)} OR h5 = ${h5}) AND time BETWEEN '2022-01-20T00:00:00Z' AND '2022-02-12T23:00:00Z' GROUP BY 1 ORDER BY 1`,
      ),
      [...ALL_KINDS],
    );
  });

  it("an interval cutting a day, or a filter on the rows: answered from the rows, equal to the raw query", async () => {
    for (const [query, where] of [
      [
        "datetime=2022-01-25T06:00:00Z/2022-02-03T00:00:00Z",
        "time BETWEEN '2022-01-25T06:00:00Z' AND '2022-02-03T00:00:00Z'",
      ],
      // the hourly rows end at 23:00: an interval ending at midnight takes one row of the next day
      [
        "datetime=2022-01-25T00:00:00Z/2022-02-03T00:00:00Z",
        "time BETWEEN '2022-01-25T00:00:00Z' AND '2022-02-03T00:00:00Z'",
      ],
      [
        "datetime=2022-01-25T00:00:00Z/2022-02-03T17:00:00Z",
        "time BETWEEN '2022-01-25T00:00:00Z' AND '2022-02-03T17:00:00Z'",
      ],
      ["filter=tp%20%3E%200.001", "tp > 0.001"],
    ] as const) {
      const got = await apiRows(api, `${query}&${ALL}`);
      expect(got.read, query).toEqual(["rows"]);
      expectEqual(
        got.rows,
        await brute.rows(`SELECT h5, ${ALL_SQL} FROM data WHERE ${where} GROUP BY 1 ORDER BY 1`),
        [...ALL_KINDS],
      );
    }
  });

  it("as Parquet, the rollups' answer has the raw query's column types", async () => {
    const res = await api.app.request(`${api.path}?${ALL}&f=parquet&limit=100000`);
    expect(res.headers.get("x-refs-cells-read")).toBe("rollups");
    const types = await brute.types(new Uint8Array(await res.arrayBuffer()));
    expect(types).toEqual(
      await brute.types(
        `SELECT h5, avg(tp) AS tp_mean, min(tp) AS tp_min, max(tp) AS tp_max, sum(tp) AS tp_sum, count(tp) AS tp_count FROM data GROUP BY 1`,
      ),
    );
  });
});
