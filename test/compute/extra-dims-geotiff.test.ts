/**
 * A 3-band GeoTIFF (UTM 33N, tiled, deflate, nodata 0), chunky (Y, X, S: one chunk holds all bands) and planar
 * (S, Y, X: one chunk per band), scanned by the TIFF scanner and computed through the references: one column per
 * band, or the selected band; expected rows are a brute force over geotiff.js's own reading of the bands.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fromArrayBuffer } from "geotiff";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ComputeConfig } from "../../compute/config.js";
import { LocalOutput } from "../../compute/io/output.js";
import { columnName } from "../../compute/prepare.js";
import { referenceReader } from "../../compute/read.js";
import { computeProject } from "../../compute/run.js";
import { writeTiff } from "../../pipelines/demo/write-tiff.js";
import type { ReferenceSet } from "../../refs/model/reference-set.js";
import { MemorySource } from "../../refs/storage/memory.js";
import { scanTiff } from "../../scanner/tiff/index.js";
import { bruteAggregate, type Truth } from "./helpers/brute.js";
import { hash01, utmToWgs84 } from "./helpers/cases.js";
import { expectOutputEquals } from "./helpers/compare.js";
import { duckTypes } from "./helpers/duck.js";

const WIDTH = 160;
const HEIGHT = 128;
const BANDS = 3;

let dir = "";
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "refs-compute-bands-"));
});

/** Band b of pixel (y, x): 0 (nodata) now and then, band by band independently. */
function sample(b: number, y: number, x: number): number {
  const k = (b * HEIGHT + y) * WIDTH + x;
  return hash01(k) < 0.15 ? 0 : 1 + ((k * 7) % 4000);
}

interface Scene {
  refs: ReferenceSet;
  source: MemorySource;
  variable: string;
  bands: ArrayLike<number>[];
}

async function scene(planar: boolean): Promise<Scene> {
  const data = new Uint16Array(WIDTH * HEIGHT * BANDS);
  for (let b = 0; b < BANDS; b++) {
    for (let y = 0; y < HEIGHT; y++) {
      for (let x = 0; x < WIDTH; x++) {
        const at = planar ? (b * HEIGHT + y) * WIDTH + x : (y * WIDTH + x) * BANDS + b;
        data[at] = sample(b, y, x);
      }
    }
  }
  const { bytes } = writeTiff({
    images: [
      {
        width: WIDTH,
        height: HEIGHT,
        samples: BANDS,
        planar: planar ? 2 : 1,
        bits: 16,
        tile: [64, 64],
        compression: 8,
        data,
        nodata: "0",
        geo: { scale: [30, 30], tie: [500_000, 5_000_000], epsg: 32633 },
      },
    ],
  });
  const source = new MemorySource(`memory://bands-${planar ? "planar" : "chunky"}.tif`, bytes);
  const { refs } = await scanTiff(source, source.url, { inlineThreshold: 0 });
  const shape = planar ? `${BANDS},${HEIGHT},${WIDTH}` : `${HEIGHT},${WIDTH},${BANDS}`;
  const variable = [...refs.arrays.keys()].find(
    (k) => refs.metadata.get(`${k}/.zarray`)?.shape?.toString() === shape,
  );
  expect(variable).toBeDefined();
  const tiff = await fromArrayBuffer(
    bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
  );
  const bands = (await (await tiff.getImage(0)).readRasters()) as unknown as ArrayLike<number>[];
  return { refs, source, variable: variable as string, bands };
}

function truth(s: Scene, bands: number[]): Truth {
  return {
    ny: HEIGHT,
    nx: WIDTH,
    nt: 1,
    nv: bands.length,
    centre: (y, x) => {
      const [lng, lat] = utmToWgs84(500_000 + (x + 0.5) * 30, 5_000_000 - (y + 0.5) * 30);
      return [lat, lng];
    },
    value: (c, _, y, x) => {
      const v = (s.bands[bands[c] as number] as ArrayLike<number>)[y * WIDTH + x] as number;
      return v === 0 ? Number.NaN : v;
    },
  };
}

async function run(s: Scene, name: string, config: Partial<ComputeConfig> = {}): Promise<string> {
  const root = join(dir, name);
  const summary = await computeProject(
    { refs: s.refs, read: referenceReader(s.refs, () => s.source), output: new LocalOutput(root) },
    { variables: [s.variable], resolution: 9, ...config },
    { mappingThreads: 0 },
  );
  expect(summary.method).toBe("aggregate");
  expect(summary.unitsTotal).toBe(122); // one unit per h0 cell (no time); bands stay whole
  return root;
}

describe.each([
  ["chunky (Y, X, S)", false],
  ["planar (S, Y, X)", true],
])("a 3-band GeoTIFF, %s, through the TIFF scanner", (_, planar) => {
  let s: Scene;
  beforeAll(async () => {
    s = await scene(planar);
    // geotiff.js is the independent reader: its bands are the ones we wrote.
    expect(s.bands.length).toBe(BANDS);
    expect((s.bands[2] as ArrayLike<number>)[5 * WIDTH + 7]).toBe(sample(2, 5, 7));
  });

  it("gives one column per band (named by the sample dimension), each equal to brute force", async () => {
    const root = await run(s, `all-${planar}`);
    // the band image "0" gives columns named "value": a raster band's number is no name
    expect(columnName(s.variable, undefined)).toBe("value");
    const names = [0, 1, 2].map((b) => `value_S${b}`);
    await expectOutputEquals(root, "h9", names, bruteAggregate(truth(s, [0, 1, 2]), 9, "mean"), {
      withCount: true,
      withTime: false,
    });
    expect(await duckTypes(root)).toEqual({
      h9: "UBIGINT",
      [names[0] as string]: "DOUBLE",
      [names[1] as string]: "DOUBLE",
      [names[2] as string]: "DOUBLE",
      count: "UINTEGER",
      h0: "VARCHAR",
    });
  });

  it("selects one band by value and by index", async () => {
    const byValue = await run(s, `value-${planar}`, { select: { S: 1 } });
    await expectOutputEquals(byValue, "h9", ["value"], bruteAggregate(truth(s, [1]), 9, "mean"), {
      withCount: true,
      withTime: false,
    });
    const byIndex = await run(s, `index-${planar}`, { select: { S: { index: 2 } } });
    await expectOutputEquals(byIndex, "h9", ["value"], bruteAggregate(truth(s, [2]), 9, "mean"), {
      withCount: true,
      withTime: false,
    });
  });
});
