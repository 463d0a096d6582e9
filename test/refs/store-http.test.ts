import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as zarr from "zarrita";
import { readKerchunkJson } from "../../refs/formats/kerchunk-json.js";
import type { ReferenceSet } from "../../refs/model/reference-set.js";
import { openSource } from "../../refs/storage/registry.js";
import "../../refs/store/codecs/index.js";
import { readArray } from "../../refs/store/read-array.js";
import { ReferenceStore } from "../../refs/store/zarrita-store.js";
import { fixtureFiles, haveFixtures } from "../fixtures.js";
import { type RangeServer, startRangeServer } from "../servers/http-range-server.js";
import { firstDifference, openerFor } from "./fixture-reads.js";

/** References whose chunk URLs are rewritten to `origin/<file name>`. */
function served(refs: ReferenceSet, origin: string): ReferenceSet {
  for (const table of refs.arrays.values()) {
    for (let i = 0; i < table.paths.length; i++) table.paths[i] = `${origin}/${table.paths[i]}`;
  }
  return refs;
}

describe.skipIf(!haveFixtures)("reading through references over HTTP (open(url) from refs/storage)", () => {
  let server: RangeServer;
  beforeAll(async () => {
    server = await startRangeServer();
  });
  afterAll(() => server.close());

  it.each(["h5ex_d_shuffle.h5", "air.nc", "3DAgg_file2.nc"])(
    "%s: zarrita over http:// equals the local read, with coalesced requests",
    async (name) => {
      const f = fixtureFiles().find((x) => x.file === name && x.kerchunkPath);
      if (!f) throw new Error(`fixture ${name} missing`);
      server.objects.set(`/${f.file}`, new Uint8Array(readFileSync(f.path)));
      const text = readFileSync(f.kerchunkPath as string, "utf8");
      const local = readKerchunkJson(text);
      const remote = served(readKerchunkJson(text), server.origin);
      const store = new ReferenceStore(remote, { open: (url) => openSource(url) });
      let chunks = 0;
      server.log.length = 0;
      for (const path of local.arrays.keys()) {
        if (((local.metadata.get(`${path}/.zarray`)?.shape as number[]) ?? []).includes(0)) continue;
        chunks += local.arrays.get(path)!.presentCount();
        const expected = await readArray(local, path, { open: openerFor(f.path) });
        const array = await zarr.open.v2(zarr.root(store).resolve(path), { kind: "array" });
        const got = (await zarr.get(array)) as unknown;
        const data = array.shape.length === 0 ? [got] : (got as { data: ArrayLike<unknown> }).data;
        expect(
          firstDifference(data as ArrayLike<unknown>, expected.data as ArrayLike<unknown>),
          path,
        ).toBeUndefined();
      }
      const gets = server.log.filter((l) => l.startsWith("GET")).length;
      const bytes = server.log.reduce((n, l) => {
        const range = /bytes=(\d+)-(\d+)/.exec(l);
        return n + (range ? Number(range[2]) - Number(range[1]) + 1 : 0);
      }, 0);
      console.log(
        `${name} read through references over http: ${gets} GET requests, ${bytes} bytes in ranges`,
      );
      expect(gets).toBeGreaterThan(0);
      expect(gets).toBeLessThanOrEqual(chunks);
    },
  );

  it("a whole-file reference over http:// reads the whole object", async () => {
    const bytes = new Uint8Array(new Float32Array([1.5, 2.5, 3.5]).buffer);
    server.objects.set("/whole.bin", bytes);
    const refs = readKerchunkJson({
      version: 1,
      refs: {
        ".zgroup": '{"zarr_format":2}',
        "w/.zarray": JSON.stringify({
          chunks: [3],
          compressor: null,
          dtype: "<f4",
          fill_value: null,
          filters: null,
          order: "C",
          shape: [3],
          zarr_format: 2,
        }),
        "w/0": [`${server.origin}/whole.bin`],
      },
    });
    const { data } = await readArray(refs, "w", { open: (url) => openSource(url) });
    expect(Array.from(data as Float32Array)).toEqual([1.5, 2.5, 3.5]);
  });
});
