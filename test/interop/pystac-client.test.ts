import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { delimiter, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { latLngToCell } from "h3-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SqliteStore } from "../../catalog-api/backend/sqlite-store.js";
import { projectCollection } from "../../catalog-api/stac/collection.js";
import { referenceItem } from "../../catalog-api/stac/reference-item.js";
import type { StacCollection, StacItem } from "../../catalog-api/stac/types.js";
import { h3Matches, timeMatches } from "../catalog-api/brute-force.js";
import { generatedCollection, generateItems } from "../catalog-api/generate-items.js";

/**
 * pystac-client, the Python STAC client, against `refs serve` running as a real process on 127.0.0.1.
 * pystac-client is not on the npm registry or in Debian and PyPI is unreachable here, so it is found as source
 * folders (pure Python; Debian's python3-requests and python3-dateutil supply the rest): REFS_PYSTAC_PATH
 * (folders holding the `pystac` and `pystac_client` packages, separated by ":"), else `../pyextra/pystac` and
 * `../pyextra/pystac-client` beside this checkout, else whatever `python3` (or REFS_PYTHON) imports already.
 * Where none imports, it skips and says why.
 */
const python = process.env.REFS_PYTHON ?? "python3";
const repo = fileURLToPath(new URL("../..", import.meta.url));
const sibling = ["pystac", "pystac-client"].map((d) => resolve(repo, "..", "pyextra", d));
const pystacPath =
  process.env.REFS_PYSTAC_PATH ?? (sibling.every((d) => existsSync(d)) ? sibling.join(delimiter) : "");
const pythonEnv = {
  ...process.env,
  PYTHONPATH: [pystacPath, process.env.PYTHONPATH].filter(Boolean).join(delimiter),
};
const probe = spawnSync(python, ["-c", "import pystac, pystac_client"], { encoding: "utf8", env: pythonEnv });
const available = probe.status === 0;
if (!available) {
  console.warn(
    `skipping the pystac-client interop test: ${python} cannot import pystac and pystac_client with PYTHONPATH=` +
      `"${pythonEnv.PYTHONPATH}" (${probe.stderr.trim().split("\n").at(-1)}); set REFS_PYSTAC_PATH to the folders ` +
      "holding them, or put them at ../pyextra/pystac and ../pyextra/pystac-client",
  );
}
const script = fileURLToPath(new URL("./pystac_client_check.py", import.meta.url));

interface Seen {
  combined: { id: string; keys: string[]; quality: number }[];
  many_pages_POST: { pages: number; ids: string[] };
  many_pages_GET: { pages: number; ids: string[] };
  conforms_collection_search: Record<string, boolean>;
  collection_search: Record<string, { ids: string[]; matched: number; pages: number }>;
  collection_search_sorted: { ids: string[]; keys: string[]; pages: number };
  query_ext: string[];
  sorted_fields: { id: string; keys: string[]; quality: number }[];
  versions: Record<string, string>;
  conforms: Record<string, boolean>;
  collections: string[];
  datetime_POST: { ids: string[]; matched: number | null };
  datetime_GET: { ids: string[]; matched: number | null };
  open_end: string[];
  cql2_json: string[];
  cql2_text: string[];
  h3_function: string[];
  sorted_quality: (number | undefined)[];
  fields_keys: string[];
  collection_items: number;
  single_item: string;
  by_ids: string[];
  extensions: {
    item_assets: { declared: boolean; keys: string[]; roles: string[] };
    xarray_assets: { declared: boolean; open_kwargs: Record<string, unknown> };
  };
}

const sorted = (ids: string[]) => [...ids].sort();

const WORDS = ["Ocean", "rain", "glacier", "soil"];
/** Collections for collection search: texts, keywords, licenses and extents to tell them apart. */
const searchableCollections = Array.from({ length: 12 }, (_, i) => ({
  ...generatedCollection(`cs-${String(i).padStart(2, "0")}`),
  title: `${WORDS[i % 4]} collection ${i}`,
  keywords: [WORDS[(i + 1) % 4]!],
  license: i % 3 ? "CC-BY-4.0" : "MIT",
  extent: {
    spatial: { bbox: [[-60 + i * 10, -20 + i * 3, -50 + i * 10, -10 + i * 3]] },
    temporal: {
      interval: [[`${2000 + i * 2}-01-01T00:00:00Z`, i % 4 ? `${2001 + i * 2}-12-31T00:00:00Z` : null]],
    },
  },
}));
const props = (item: StacItem) => item.properties as Record<string, unknown>;

describe.skipIf(!available)("pystac-client against refs serve", () => {
  const items = generateItems(600);
  const h3Cell = latLngToCell(40, 5, 2);
  let dir: string;
  let child: ChildProcess;
  let seen: Seen;
  let baseUrl: string;
  let projCollection: StacCollection;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "refs-pystac-"));
    const db = join(dir, "catalog.sqlite");
    const store = new SqliteStore(db);
    await store.putCollection(generatedCollection());
    await store.putItems("gen", items);
    // a reference set's item and its Collection as `refs catalog` builds them (item_assets, xarray:open_kwargs)
    const reference = referenceItem(
      {
        href: "s3://bucket/project/references.json",
        id: "proj-references",
        format: "json",
        bbox: [-10, 35, 30, 60],
        time: { start: "2022-01-01T00:00:00Z", end: "2022-01-03T23:00:00Z" },
        variables: ["t2m"],
        remoteProtocol: "s3",
        remoteOptions: { anon: true },
      },
      "proj",
    );
    const project = { id: "proj", description: "built by refs catalog", license: "CC-BY-4.0" };
    projCollection = projectCollection(project, [reference]);
    await store.putCollection(projCollection);
    await store.putItems("proj", [reference]);
    for (const c of searchableCollections) await store.putCollection(c);
    await store.close();
    child = spawn(process.execPath, ["bin/refs.js", "serve", "--db", db, "--port", "0"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    const url = await new Promise<string>((resolve, reject) => {
      let out = "";
      child.stdout!.on("data", (d) => {
        out += String(d);
        const m = /STAC API at (http:\/\/\S+?)\//.exec(out);
        if (m) resolve(m[1]!);
      });
      child.once("exit", (code) => reject(new Error(`refs serve exited with ${code}: ${out}`)));
    });
    baseUrl = url;
    const run = spawnSync(python, [script, url, h3Cell], {
      encoding: "utf8",
      timeout: 120_000,
      env: pythonEnv,
    });
    if (run.status !== 0) throw new Error(`pystac-client script failed (${run.status}):\n${run.stderr}`);
    seen = JSON.parse(run.stdout) as Seen;
  }, 180_000);

  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
    }
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("query= (the query extension) and sortby with fields answer like brute force", () => {
    const P = (i: (typeof items)[number]) => i.properties as { quality?: number; platform?: string };
    const want = items
      .filter((i) => (P(i).quality ?? -1) > 0.5 && P(i).platform === "sat-a")
      .map((i) => i.id);
    expect([...seen.query_ext].sort()).toEqual(want.sort());
    const byQuality = items
      .filter((i) => P(i).quality !== undefined)
      .sort((a, b) => P(b).quality! - P(a).quality! || a.id.localeCompare(b.id))
      .slice(0, 30);
    expect(seen.sorted_fields.map((f) => f.quality)).toEqual(byQuality.map((i) => P(i).quality));
    for (const f of seen.sorted_fields) expect(f.keys).toEqual(["quality"]);
  });

  it("one search with bbox, datetime, filter, query, sortby and fields answers as the API does page by page", async () => {
    // the API's own answer to the same search, page by page over HTTP (its correctness against brute force is the
    // conformance suite's job): pystac-client must see exactly these, in this order
    const params = new URLSearchParams({
      collections: "gen",
      bbox: "0,35,12,47",
      datetime: "2020-02-01T00:00:00Z/2020-09-30T23:59:59Z",
      filter: "quality > 0.2",
      query: JSON.stringify({ flag: { eq: true } }),
      sortby: "-properties.quality",
      limit: "9",
    });
    const want: string[] = [];
    let next: string | undefined = `${baseUrl}/search?${params}`;
    while (next) {
      const page = (await (await fetch(next)).json()) as {
        features: { id: string }[];
        links: { rel: string; href: string }[];
      };
      want.push(...page.features.map((f) => f.id));
      next = page.links.find((l) => l.rel === "next")?.href;
    }
    expect(want.length).toBeGreaterThan(18); // at least three pages
    expect(seen.combined.map((f) => f.id)).toEqual(want);
    const qualities = seen.combined.map((f) => f.quality);
    expect(qualities).toEqual([...qualities].sort((a, b) => b - a));
    for (const f of seen.combined) expect(f.keys).toEqual(["id", "links", "properties", "type"]);
    const chosen = new Set(want);
    for (const i of items.filter((x) => chosen.has(x.id))) {
      const p = props(i);
      expect(p.flag).toBe(true);
      expect(p.quality as number).toBeGreaterThan(0.2);
    }
  });

  it("pages through all 600 items 7 at a time (86 pages) by POST and by GET, without duplicates or gaps", () => {
    for (const got of [seen.many_pages_POST, seen.many_pages_GET]) {
      expect(got.pages).toBe(Math.ceil(items.length / 7));
      expect(got.ids).toHaveLength(items.length);
      expect(sorted(got.ids)).toEqual(sorted(items.map((i) => i.id)));
    }
  });

  it("collection search through pystac-client (q, bbox + datetime, CQL2 filter, paging) answers as brute force", () => {
    expect(seen.conforms_collection_search).toEqual({
      COLLECTION_SEARCH: true,
      COLLECTION_SEARCH_FREE_TEXT: true,
    });
    const all = [generatedCollection(), projCollection, ...searchableCollections] as StacCollection[];
    const text = (c: StacCollection) =>
      [c.id, c.title ?? "", c.description ?? "", ...((c.keywords as string[] | undefined) ?? [])]
        .join("\n")
        .toLowerCase();
    const check = (name: string, want: string[]) => {
      const got = seen.collection_search[name]!;
      expect(got.ids, name).toEqual(sorted(want));
      expect(got.matched, name).toBe(want.length);
    };
    check(
      "q",
      all.filter((c) => text(c).includes("ocean") || text(c).includes("glacier")).map((c) => c.id),
    );
    check(
      "bbox_datetime",
      all
        .filter((c) => {
          const extent = c.extent as {
            spatial: { bbox: number[][] };
            temporal: { interval: (string | null)[][] };
          };
          const [w, s, e, n] = extent.spatial.bbox[0]!;
          const end = extent.temporal.interval[0]![1];
          return (
            w! <= 40 &&
            e! >= -20 &&
            s! <= 30 &&
            n! >= -10 &&
            (end === null || Date.parse(end as string) >= Date.parse("2010-01-01T00:00:00Z"))
          );
        })
        .map((c) => c.id),
    );
    check(
      "filter",
      searchableCollections
        .filter((c) => c.license === "MIT" && c.keywords.includes("rain"))
        .map((c) => c.id),
    );
    const paged = seen.collection_search.paged!;
    check(
      "paged",
      all.filter((c) => text(c).includes("collection")).map((c) => c.id),
    );
    expect(paged.pages).toBe(Math.ceil(paged.ids.length / 3));
    expect(paged.pages).toBeGreaterThan(2);
  });

  it("collection search through pystac-client with sortby and fields: brute-force order across pages, only the fields asked", () => {
    const all = [generatedCollection(), projCollection, ...searchableCollections] as StacCollection[];
    const str = (v: unknown) => (typeof v === "string" ? v : "");
    const cmp = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
    const want = all
      .filter((c) =>
        [c.id, c.title ?? "", c.description ?? "", ...((c.keywords as string[] | undefined) ?? [])]
          .join("\n")
          .toLowerCase()
          .includes("collection"),
      )
      // -license, then title, then id (code-unit order, as the server compares)
      .sort(
        (a, b) => cmp(str(b.license), str(a.license)) || cmp(str(a.title), str(b.title)) || cmp(a.id, b.id),
      )
      .map((c) => c.id);
    const got = seen.collection_search_sorted;
    expect(got.ids).toEqual(want);
    expect(got.pages).toBe(Math.ceil(want.length / 4));
    expect(got.keys).toEqual(["id,license,links,title,type"]);
  });

  it("opens the API and sees its conformance classes and collections", () => {
    expect(seen.conforms).toEqual({
      CORE: true,
      COLLECTIONS: true,
      FEATURES: true,
      ITEM_SEARCH: true,
      FILTER: true,
      SORT: true,
      FIELDS: true,
    });
    expect(seen.collections).toEqual(["gen", "proj", ...searchableCollections.map((c) => c.id)].sort());
  });

  it("reads item_assets and xarray:open_kwargs of refs catalog output through pystac's extension classes", () => {
    const { item_assets, xarray_assets } = seen.extensions;
    expect(item_assets.declared).toBe(true);
    expect(item_assets.keys).toEqual(["data", "references"]);
    expect(item_assets.roles).toEqual(["data", "references"]);
    expect(xarray_assets.declared).toBe(true);
    expect(xarray_assets.open_kwargs).toMatchObject({
      engine: "zarr",
      consolidated: false,
      storage_options: {
        fo: "s3://bucket/project/references.json",
        remote_protocol: "s3",
        remote_options: { anon: true },
      },
    });
  });

  it("pages through a datetime search by POST and by GET without duplicates or gaps", () => {
    const want = sorted(
      timeMatches(items, Date.parse("2020-03-01T00:00:00Z"), Date.parse("2020-04-30T23:59:59Z")),
    );
    expect(want.length).toBeGreaterThan(50); // several pages of 25
    for (const got of [seen.datetime_POST, seen.datetime_GET]) {
      expect(got.ids).toHaveLength(want.length);
      expect(sorted(got.ids)).toEqual(want);
    }
    expect(sorted(seen.open_end)).toEqual(
      sorted(timeMatches(items, Date.parse("2020-12-01T00:00:00Z"), Infinity)),
    );
  });

  it("filters with CQL2 JSON, CQL2 text and the H3 function", () => {
    expect(sorted(seen.cql2_json)).toEqual(
      sorted(items.filter((i) => props(i).platform === "O'Brien").map((i) => i.id)),
    );
    const text = items.filter(
      (i) =>
        (props(i).quality as number | undefined) !== undefined &&
        (props(i).quality as number) > 0.5 &&
        props(i).flag === true,
    );
    expect(sorted(seen.cql2_text)).toEqual(sorted(text.map((i) => i.id)));
    const h3 = h3Matches(items, [h3Cell]);
    expect(h3.length).toBeGreaterThan(0);
    expect(sorted(seen.h3_function)).toEqual(sorted(h3));
  });

  it("sorts, limits fields, lists a collection's items and fetches single items", () => {
    const qualities = seen.sorted_quality;
    expect(qualities).toHaveLength(40);
    const best = items
      .map((i) => props(i).quality as number | undefined)
      .filter((q): q is number => q !== undefined)
      .sort((a, b) => b - a)
      .slice(0, 40);
    expect(qualities).toEqual(best);
    expect(seen.fields_keys).not.toContain("geometry");
    expect(seen.fields_keys).toContain("id");
    expect(seen.collection_items).toBe(items.length);
    expect(seen.single_item).toBe("item-000005");
    expect(sorted(seen.by_ids)).toEqual(["item-000003", "item-000007"]);
  });
});
