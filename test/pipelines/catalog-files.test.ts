/**
 * The static catalog on an object-store workdir: an item of a new id is written once, straight to its final key
 * (no catalog links it before the new collection.json), and nothing is copied aside; only items replacing one of
 * the same id are staged and copied into place; collection.json and catalog.json come last, and items the new
 * catalog drops are deleted after them. A failed run replaces nothing and leaves no new items. Counted at s3rver
 * (a real S3-compatible server), driven by catalog-api's own staging (stageStaticCatalog).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { stageStaticCatalog } from "../../catalog-api/stac/static-catalog.js";
import type { StacCollection, StacItem } from "../../catalog-api/stac/types.js";
import { catalogFileWriter } from "../../pipelines/phases/catalog/catalog-files.js";
import { listTree, readText } from "../../pipelines/project/workdir-io.js";
import { type S3Server, startS3rver } from "../servers/s3rver.js";

let s3: S3Server;
const dir = "s3://work/p/catalog";

beforeAll(async () => {
  s3 = await startS3rver(["work"]);
  vi.stubEnv("AWS_ENDPOINT_URL_S3", s3.endpoint);
  vi.stubEnv("AWS_REGION", "us-east-1");
  vi.stubEnv("AWS_ACCESS_KEY_ID", "S3RVER");
  vi.stubEnv("AWS_SECRET_ACCESS_KEY", "S3RVER");
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await s3?.close();
});

const item = (id: string, run: number) =>
  ({ id, type: "Feature", properties: { run } }) as unknown as StacItem;
const collection = (run: number) => ({ id: "c", type: "Collection", run }) as unknown as StacCollection;

/** Writes a catalog of `ids` the way catalog-api does, through the pipelines' writer; the requests it made. */
async function catalog(ids: string[], run: number, fail = false): Promise<string[]> {
  const from = s3.requests.length;
  const staged = await stageStaticCatalog(dir, "c", await catalogFileWriter(dir, "c"));
  await staged.putItems(ids.map((id) => item(id, run)));
  if (fail) await staged.abort();
  else await staged.finish({ id: "root", run }, collection(run));
  return s3.requests.slice(from);
}

const puts = (requests: string[]) => requests.filter((r) => r.startsWith("PUT "));
/** GETs of objects (listings are GETs of the bucket itself). */
const objectGets = (requests: string[]) => requests.filter((r) => r.startsWith("GET /work/p"));

describe("the static catalog on object storage", () => {
  it("a first catalog: each item written once, at its final key; catalog.json last; nothing copied", async () => {
    const requests = await catalog(["a", "b", "c1"], 1);
    console.log(`first catalog of 3 items: ${JSON.stringify(count(requests))}`);
    expect(puts(requests).sort()).toEqual(
      [
        "PUT /work/p/catalog/c/items/a.json",
        "PUT /work/p/catalog/c/items/b.json",
        "PUT /work/p/catalog/c/items/c1.json",
        "PUT /work/p/catalog/c/collection.json",
        "PUT /work/p/catalog/catalog.json",
      ].sort(),
    );
    expect(puts(requests).at(-1)).toBe("PUT /work/p/catalog/catalog.json");
    expect(objectGets(requests)).toEqual([]);
    // removeTree's DELETEs of the (empty) folder names themselves, and no object deleted
    expect(requests.filter((r) => r.startsWith("DELETE ") && r.endsWith(".json"))).toEqual([]);
    expect(await listTree(dir)).toEqual([
      "c/collection.json",
      "c/items/a.json",
      "c/items/b.json",
      "c/items/c1.json",
      "catalog.json",
    ]);
    expect(JSON.parse((await readText(`${dir}/c/items/b.json`)) ?? "{}").properties.run).toBe(1);
  });

  it("a re-catalog: new ids written once, replaced ids staged, dropped ids deleted last; a failure replaces nothing", async () => {
    const failed = await catalog(["a", "d"], 2, true);
    // a is replaced (staged), d is new (written in place, then deleted with the failure)
    expect(puts(failed).sort()).toEqual([
      "PUT /work/p/catalog/.c.items.partial/a.json",
      "PUT /work/p/catalog/c/items/d.json",
    ]);
    const before = [
      "c/collection.json",
      "c/items/a.json",
      "c/items/b.json",
      "c/items/c1.json",
      "catalog.json",
    ];
    expect(await listTree(dir)).toEqual(before);
    expect(JSON.parse((await readText(`${dir}/c/items/a.json`)) ?? "{}").properties.run).toBe(1);
    const requests = await catalog(["a", "d"], 3);
    console.log(`re-catalog of 2 items (1 new) over 3: ${JSON.stringify(count(requests))}`);
    expect(puts(requests).slice(2)).toEqual([
      "PUT /work/p/catalog/c/items/a.json",
      "PUT /work/p/catalog/c/collection.json",
      "PUT /work/p/catalog/catalog.json",
    ]);
    expect(puts(requests).slice(0, 2).sort()).toEqual([
      "PUT /work/p/catalog/.c.items.partial/a.json",
      "PUT /work/p/catalog/c/items/d.json",
    ]);
    // the old items stay readable until catalog.json is written; then the dropped ones go
    const catalogPut = requests.indexOf("PUT /work/p/catalog/catalog.json");
    const dropped = requests.filter((r) => /^DELETE .*\/c\/items\/(b|c1)\.json$/.test(r));
    expect(dropped.length).toBe(2);
    for (const d of dropped) expect(requests.indexOf(d)).toBeGreaterThan(catalogPut);
    expect(objectGets(requests)).toEqual(["GET /work/p/catalog/.c.items.partial/a.json"]);
    expect(await listTree(dir)).toEqual([
      "c/collection.json",
      "c/items/a.json",
      "c/items/d.json",
      "catalog.json",
    ]);
    expect(JSON.parse((await readText(`${dir}/c/items/a.json`)) ?? "{}").properties.run).toBe(3);
  });

  it("a first catalog that fails leaves no items behind", async () => {
    const other = "s3://work/q/catalog";
    const staged = await stageStaticCatalog(other, "c", await catalogFileWriter(other, "c"));
    await staged.putItems([item("x", 1), item("y", 1)]);
    await staged.abort();
    expect(await listTree(other)).toEqual([]);
  });
});

function count(requests: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of requests) {
    const method = r.split(" ")[0] ?? "";
    out[method] = (out[method] ?? 0) + 1;
  }
  return out;
}
