import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import {
  cellToBoundary,
  cellToChildren,
  cellToLatLng,
  cellToParent,
  gridDisk,
  latLngToCell,
  uncompactCells,
} from "h3-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SqliteStore } from "../../catalog-api/backend/sqlite-store.js";
import { StacValidationError } from "../../catalog-api/errors.js";
import { intersects } from "../../catalog-api/geometry/intersects.js";
import { runSearch } from "../../catalog-api/search/run-search.js";
import {
  catalogProject,
  catalogProjectStreamed,
  type ProjectOutputs,
} from "../../catalog-api/stac/catalog-project.js";
import { projectCollection } from "../../catalog-api/stac/collection.js";
import { ITEM_ASSETS_EXTENSION, XARRAY_ASSETS_EXTENSION } from "../../catalog-api/stac/extensions.js";
import { coverage } from "../../catalog-api/stac/h3-coverage.js";
import { partitionItem } from "../../catalog-api/stac/partition-item.js";
import { referenceItem } from "../../catalog-api/stac/reference-item.js";
import { staticCatalog } from "../../catalog-api/stac/static-catalog.js";
import type { StacItem } from "../../catalog-api/stac/types.js";
import { validateStac } from "../../catalog-api/stac/validate.js";

// biome-ignore lint/suspicious/noExplicitAny: parsed JSON read field by field in assertions
type Json = any;

const schemasDir = process.env.REFS_STAC_SCHEMAS ?? resolve("../shared/stac-schemas");
const haveSchemas = existsSync(join(schemasDir, "v1.0.0"));

const parent = latLngToCell(48.1, 11.5, 3);
const cellsA = cellToChildren(parent, 5); // a whole res-3 cell, given at res 5
const cellsB = [latLngToCell(40, -3, 5), latLngToCell(40.2, -3.1, 5)];

function outputs(partitions = 2): ProjectOutputs {
  const part = (i: number, cells: string[]) => ({
    href: `h3/h0=${cells[0]!.slice(0, 4)}/part-${i}.parquet`,
    h3Resolution: 5,
    cells,
    time: { start: "2020-01-01T00:00:00Z", end: "2020-01-31T23:00:00Z" },
    variables: { t2m: { min: 250 + i, max: 300 + i, mean: 280.5 } },
    columns: [
      { name: "h5", type: "uint64" },
      { name: "time", type: "timestamp" },
      { name: "t2m", type: "float32", description: "2 m temperature (K)" },
    ],
    rowCount: 1000 * (i + 1),
    size: 12345 + i,
    sha256: "ab".repeat(32),
  });
  return {
    project: {
      id: "era5-demo",
      title: "ERA5 demo",
      description: "test project",
      license: "CC-BY-4.0",
      providers: [{ name: "ECMWF", roles: ["producer"] }],
    },
    partitions: [part(0, cellsA), part(1, cellsB)].slice(0, partitions),
    referenceSets: [
      {
        href: "refs/combined.json",
        format: "json",
        bbox: [-10, 30, 20, 60],
        time: { start: "2020-01-01T00:00:00Z", end: "2020-01-31T23:00:00Z" },
        variables: ["t2m", "time", "latitude", "longitude"],
        remoteProtocol: "s3",
        remoteOptions: { anon: true },
        size: 999,
        sha256: "cd".repeat(32),
      },
    ],
  };
}

describe("STAC builders", () => {
  it("coverage compacts cells and outlines them", () => {
    const c = coverage(cellsA, "test");
    expect(c.cells).toEqual([parent]);
    expect(new Set(uncompactCells(c.cells, 5))).toEqual(new Set(cellsA));
    expect(c.geometry.type).toBe("MultiPolygon");
    for (const cell of cellsA) {
      const [lat, lng] = cellToLatLng(cell);
      expect(lng >= c.bbox[0] && lng <= c.bbox[2] && lat >= c.bbox[1] && lat <= c.bbox[3]).toBe(true);
    }
  });

  it("coverage outlines a compaction of mixed resolutions (a full parent plus a lone cell)", () => {
    const lone = cellsA.flatMap((c) => gridDisk(c, 2)).find((c) => cellToParent(c, 3) !== parent)!;
    const c = coverage([...cellsA, lone], "test");
    expect(new Set(c.cells)).toEqual(new Set([parent, lone]));
    const [lat, lng] = cellToLatLng(lone);
    expect(lng >= c.bbox[0] && lng <= c.bbox[2] && lat >= c.bbox[1] && lat <= c.bbox[3]).toBe(true);
  });

  it("a partition item carries h3, time, statistics, table and file fields", () => {
    const item = partitionItem(outputs().partitions[0]!, "era5-demo");
    expect(item.properties["h3:cells"]).toEqual([parent]);
    expect(item.properties["h3:resolution"]).toBe(5);
    expect(item.properties["stats:t2m:max"]).toBe(300);
    expect(item.properties["table:row_count"]).toBe(1000);
    expect(item.assets.data!["file:checksum"]).toBe(`1220${"ab".repeat(32)}`);
    expect(item.properties.start_datetime).toBe("2020-01-01T00:00:00Z");
  });

  it("a reference item's asset has roles data+references and xarray open parameters", () => {
    const item = referenceItem(outputs().referenceSets[0]!, "era5-demo");
    const asset = item.assets.references as Json;
    expect(asset.roles).toEqual(["data", "references"]);
    expect(asset["xarray:open_kwargs"]).toEqual({
      engine: "zarr",
      chunks: {},
      consolidated: false,
      storage_options: { fo: "refs/combined.json", remote_protocol: "s3", remote_options: { anon: true } },
    });
  });

  it("a reference item with the grid's cells carries compacted h3:cells, so H3 searches find it", async () => {
    const r = { ...outputs().referenceSets[0]!, h3: { resolution: 5, cells: [...cellsA, ...cellsB] } };
    const item = referenceItem(r, "era5-demo");
    expect(item.properties["h3:resolution"]).toBe(5);
    expect(new Set(item.properties["h3:cells"] as string[])).toEqual(new Set([parent, ...cellsB]));
    expect(referenceItem(outputs().referenceSets[0]!, "x").properties["h3:cells"]).toBeUndefined();
    expect(() => referenceItem({ ...r, h3: { resolution: 16, cells: cellsB } }, "x")).toThrow(/0\.\.15/);
    const store = new SqliteStore(":memory:");
    try {
      await store.putCollection(projectCollection({ ...outputs().project, id: "c" }, [item]));
      await store.putItems("c", [{ ...item, collection: "c" }]);
      const inside = await runSearch(store, { limit: 10, h3: [cellToChildren(parent, 8)[5]!] });
      expect(inside.items.map((i) => i.id)).toEqual([item.id]);
      const coarse = await runSearch(store, { limit: 10, h3: [cellToParent(cellsB[0]!, 2)] });
      expect(coarse.items.map((i) => i.id)).toEqual([item.id]);
      const elsewhere = await runSearch(store, { limit: 10, h3: [latLngToCell(-40, 150, 5)] });
      expect(elsewhere.items).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it("item_assets.references has the reference sets' media type: Parquet references say so", () => {
    const o = outputs();
    const parquet = referenceItem(
      { ...o.referenceSets[0]!, href: "refs/combined.parq", format: "parquet" },
      "c",
    );
    const json = referenceItem(o.referenceSets[0]!, "c");
    const typeOf = (items: StacItem[]) =>
      (projectCollection(o.project, items).item_assets as Json).references.type;
    expect(typeOf([parquet])).toBe("application/vnd+zarr; profile=kerchunk-parquet");
    expect(typeOf([json])).toBe("application/json");
    expect(typeOf([json, { ...parquet, id: "p2" }])).toBeUndefined(); // they disagree: say nothing wrong
  });

  it("rejects bad inputs with messages naming the output", () => {
    const o = outputs();
    expect(() => partitionItem({ ...o.partitions[0]!, cells: ["nope"] }, "x")).toThrow(
      /part-0.parquet.*nope/,
    );
    expect(() => partitionItem({ ...o.partitions[0]!, sha256: "xyz" }, "x")).toThrow(/sha256/);
    expect(() => referenceItem({ ...o.referenceSets[0]!, time: { datetime: "2020-01-01" } }, "x")).toThrow(
      /RFC 3339/,
    );
  });
});

describe.skipIf(!haveSchemas)("STAC validation and catalogProject (local schemas)", () => {
  let dir: string;
  let store: SqliteStore;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "refs-catalog-"));
    store = new SqliteStore(":memory:");
  });
  afterAll(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("the validator accepts our objects and rejects broken ones with its messages", async () => {
    const o = outputs();
    const items = [
      ...o.partitions.map((p) => partitionItem(p, "c")),
      referenceItem(o.referenceSets[0]!, "c"),
    ];
    const layout = staticCatalog(
      { id: "cat", description: "d" },
      projectCollection({ ...o.project, id: "c" }, items),
      items,
    );
    const report = await validateStac([layout.catalog, layout.collection, ...layout.items], { schemasDir });
    // item_assets and xarray:* are declared; a schema folder without their schemas validates everything else
    expect(layout.collection.stac_extensions).toContain(ITEM_ASSETS_EXTENSION);
    expect(layout.items.at(-1)!.stac_extensions).toContain(XARRAY_ASSETS_EXTENSION);
    const local = (url: string) =>
      existsSync(join(schemasDir, "extensions", url.slice("https://stac-extensions.github.io/".length)));
    expect(report.uncheckedExtensions).toEqual(
      [ITEM_ASSETS_EXTENSION, XARRAY_ASSETS_EXTENSION].filter((u) => !local(u)).sort(),
    );
    const item = layout.items[0]!;
    const broken = { ...item, id: "broken", assets: { data: { ...item.assets.data!, "file:size": "big" } } };
    await expect(validateStac([item, broken], { schemasDir })).rejects.toThrow(/broken.*file:size/);
    const noCollectionLink = { ...item, id: "orphan", links: [] };
    await expect(validateStac([noCollectionLink], { schemasDir })).rejects.toThrow(StacValidationError);
    await expect(
      validateStac([{ ...item, geometry: { type: "Point", coordinates: "x" } }], { schemasDir }),
    ).rejects.toThrow(/geometry/);
    // an object declaring an extension the folder lacks is still checked against core
    const declaresUnknown = {
      ...item,
      id: "unknown-ext",
      stac_extensions: ["https://example.com/ext/v1.0.0/schema.json"],
      geometry: { type: "Point", coordinates: "x" },
    };
    await expect(validateStac([declaresUnknown], { schemasDir })).rejects.toThrow(/unknown-ext.*geometry/);
  });

  it("an extension schema present in the local folder is validated against, not left out", async () => {
    // a folder like the shared one plus an item-assets schema written for this test (a stand-in: the shared
    // folder has no copy of the real one) that requires every item_assets entry to have roles
    const folder = await mkdtemp(join(tmpdir(), "refs-schemas-"));
    try {
      await symlink(join(schemasDir, "v1.0.0"), join(folder, "v1.0.0"));
      await symlink(join(schemasDir, "geojson"), join(folder, "geojson"));
      await mkdir(join(folder, "extensions", "item-assets", "v1.0.0"), { recursive: true });
      for (const name of await readdir(join(schemasDir, "extensions")))
        await symlink(join(schemasDir, "extensions", name), join(folder, "extensions", name));
      const schema = {
        $schema: "http://json-schema.org/draft-07/schema#",
        $id: ITEM_ASSETS_EXTENSION,
        type: "object",
        required: ["item_assets"],
        properties: {
          item_assets: { type: "object", additionalProperties: { type: "object", required: ["roles"] } },
        },
      };
      await writeFile(
        join(folder, "extensions", "item-assets", "v1.0.0", "schema.json"),
        JSON.stringify(schema),
      );
      const o = outputs();
      const items = o.partitions.map((p) => partitionItem(p, "c"));
      const collection = projectCollection({ ...o.project, id: "c" }, items);
      const layout = staticCatalog({ id: "cat", description: "d" }, collection, items);
      const ok = await validateStac([layout.collection], { schemasDir: folder });
      expect(ok.uncheckedExtensions).not.toContain(ITEM_ASSETS_EXTENSION);
      const broken = {
        ...layout.collection,
        item_assets: { data: { type: "application/vnd.apache.parquet" } },
      };
      await expect(validateStac([broken], { schemasDir: folder })).rejects.toThrow(/item-assets.*roles/);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });

  it("writes a static catalog with relative links, ingests it, and re-cataloguing replaces items", async () => {
    const first = await catalogProject(outputs(2), { outDir: dir, store, schemasDir });
    expect(first.items).toBe(3);
    const catalog = JSON.parse(await readFile(join(dir, "catalog.json"), "utf8"));
    const childHref = catalog.links.find((l: Json) => l.rel === "child").href;
    const colPath = join(dir, childHref);
    const collection = JSON.parse(await readFile(colPath, "utf8"));
    expect(collection.extent.temporal.interval[0]).toEqual([
      "2020-01-01T00:00:00.000Z",
      "2020-01-31T23:00:00.000Z",
    ]);
    expect(collection.summaries["stats:t2m:max"]).toEqual({ minimum: 300, maximum: 301 });
    expect(collection.providers[0].name).toBe("ECMWF");
    const itemHrefs = collection.links.filter((l: Json) => l.rel === "item").map((l: Json) => l.href);
    expect(itemHrefs).toHaveLength(3);
    for (const href of itemHrefs) {
      const itemPath = join(dirname(colPath), href);
      const item = JSON.parse(await readFile(itemPath, "utf8"));
      expect(resolve(dirname(itemPath), item.links.find((l: Json) => l.rel === "root").href)).toBe(
        resolve(dir, "catalog.json"),
      );
      for (const a of Object.values(item.assets) as Json[]) {
        expect(resolve(dirname(itemPath), a.href).startsWith(resolve(dir))).toBe(true);
      }
    }
    const hits = await runSearch(store, { limit: 10, h3: [cellToChildren(parent, 7)[3]!] });
    expect(hits.items.map((i) => i.id)).toEqual([expect.stringContaining("part-0")]);
    const found = JSON.parse(hits.items[0]!.text) as StacItem;
    expect(String(found.assets.data!.href)).toMatch(/^file:\/\/.*part-0\.parquet$/);

    await catalogProject(outputs(1), { outDir: dir, store, schemasDir });
    const files = await readdir(join(dir, "era5-demo", "items"));
    expect(files).toHaveLength(2);
    expect(await store.countItems("era5-demo")).toBe(2);
    const again = await runSearch(store, { limit: 10, h3: cellsB });
    expect(again.items).toEqual([]);
  });

  it("writes nothing when an object is invalid", async () => {
    const bad = outputs();
    bad.project = { ...bad.project, id: "other", license: "" as string };
    const d2 = await mkdtemp(join(tmpdir(), "refs-catalog-bad-"));
    await expect(catalogProject(bad, { outDir: d2, schemasDir })).rejects.toThrow(StacValidationError);
    expect(await readdir(d2)).toEqual([]);
    await rm(d2, { recursive: true });
  });
});

describe.skipIf(!haveSchemas)("catalogProjectStreamed: batches, all or nothing", () => {
  let dir: string;
  let store: SqliteStore;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "refs-catalog-stream-"));
    store = new SqliteStore(join(dir, "api.sqlite"));
  });
  afterAll(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });
  const many = (n: number, broken = -1) => {
    const o = outputs(2);
    const one = o.partitions[0]!;
    const parts = Array.from({ length: n }, (_, i) => ({
      ...one,
      href: `h3/part-${i}.parquet`,
      ...(i === broken ? { sha256: "not hex" } : {}),
    }));
    async function* batches() {
      for (let at = 0; at < parts.length; at += 7) yield parts.slice(at, at + 7);
    }
    return { project: o.project, partitions: batches(), referenceSets: () => o.referenceSets };
  };
  const out = () => join(dir, "catalog");

  it("gives in batches what catalogProject gives at once: files, collection and store items", async () => {
    const streamed = await catalogProjectStreamed(many(30), { outDir: out(), store, schemasDir });
    expect(streamed.items).toBe(31);
    const files = (await readdir(join(out(), "era5-demo", "items"))).sort();
    const collection = JSON.parse(await readFile(join(out(), "era5-demo", "collection.json"), "utf8"));
    const whole = join(dir, "whole");
    const o = many(30);
    const parts = [];
    for await (const b of o.partitions) parts.push(...b);
    await catalogProject(
      { project: o.project, partitions: parts, referenceSets: o.referenceSets() },
      {
        outDir: whole,
        schemasDir,
      },
    );
    expect((await readdir(join(whole, "era5-demo", "items"))).sort()).toEqual(files);
    expect(JSON.parse(await readFile(join(whole, "era5-demo", "collection.json"), "utf8"))).toEqual(
      collection,
    );
    // (the reference item names its references by absolute URL, which differs between the two folders)
    for (const f of files) {
      expect(await readFile(join(out(), "era5-demo", "items", f), "utf8")).toBe(
        (await readFile(join(whole, "era5-demo", "items", f), "utf8")).replaceAll(whole, out()),
      );
    }
    expect(await store.countItems("era5-demo")).toBe(31);
    expect((await readdir(out())).sort()).toEqual(["catalog.json", "era5-demo"]);
  });

  it("an invalid item in a later batch replaces nothing: the catalog folder and the store keep the last run", async () => {
    const before = (await readdir(join(out(), "era5-demo", "items"))).sort();
    await expect(catalogProjectStreamed(many(40, 33), { outDir: out(), store, schemasDir })).rejects.toThrow(
      /part-33/,
    );
    expect((await readdir(join(out(), "era5-demo", "items"))).sort()).toEqual(before);
    expect((await readdir(out())).sort()).toEqual(["catalog.json", "era5-demo"]);
    expect(await store.countItems("era5-demo")).toBe(31);
    // the store is usable again after the aborted replacement
    await catalogProjectStreamed(many(3), { outDir: out(), store, schemasDir });
    expect(await store.countItems("era5-demo")).toBe(4);
    expect(await readdir(join(out(), "era5-demo", "items"))).toHaveLength(4);
  });
});

describe("H3 coverage at scale", () => {
  it("compacts a mix of a coarse cell and fine cells without expanding the coarse one", () => {
    const coarse = latLngToCell(10, 10, 1);
    const fine = latLngToCell(-30, 120, 12);
    const inside = cellToChildren(coarse, 6)[5]!; // already covered by the coarse cell
    const c = coverage([coarse, fine, inside], "mixed");
    expect(c.cells).toEqual([coarse, fine].sort());
  });

  it("compacts across resolutions (six siblings given whole, the seventh as its children)", () => {
    const siblings = cellToChildren(parent, 4);
    const cells = [...siblings.slice(1), ...cellToChildren(siblings[0]!, 5)];
    expect(coverage(cells, "siblings").cells).toEqual([parent]);
  });

  it("draws the outline with coarser cells above the limit, still covering every fine cell", () => {
    // 3 of 7 res-4 children, given as res-8 cells: compacted, they are 3 res-4 cells, outlined at a coarser level
    const given = cellToChildren(parent, 4).slice(2, 5);
    const many = given.flatMap((c) => cellToChildren(c, 8));
    const c = coverage(many, "many", 60);
    expect(c.cells).toEqual([...given].sort());
    for (const cell of many) {
      for (const [lat, lng] of [cellToLatLng(cell), ...cellToBoundary(cell)]) {
        expect(intersects(c.geometry, { type: "Point", coordinates: [lng!, lat!] }), cell).toBe(true);
      }
    }
  });
});

it("covers a partition of 117,649 res-8 cells without expanding or spreading arguments", () => {
  const big = cellToChildren(latLngToCell(45, 7, 2), 8);
  const t0 = performance.now();
  const c = coverage(big, "big");
  expect(c.cells).toHaveLength(1);
  expect(c.geometry.type).toBe("MultiPolygon");
  expect(performance.now() - t0).toBeLessThan(60_000);
});
