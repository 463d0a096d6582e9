/**
 * A GeoTIFF (tiled, deflate, EPSG:32633) written by the demo writer, scanned by the TIFF scanner, computed
 * through the references; expected rows come from geotiff.js's own reading of the pixels. With GDAL nodata 0 the
 * zero pixels are missing; without nodata they are values (the references' fill_value is 0 either way).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fromArrayBuffer } from "geotiff";
import { expect, it } from "vitest";
import { LocalOutput } from "../../compute/io/output.js";
import { columnName } from "../../compute/prepare.js";
import { referenceReader } from "../../compute/read.js";
import { computeProject } from "../../compute/run.js";
import { writeTiff } from "../../pipelines/demo/write-tiff.js";
import { MemorySource } from "../../refs/storage/memory.js";
import { scanTiff } from "../../scanner/tiff/index.js";
import { bruteAggregate, type Truth } from "./helpers/brute.js";
import { hash01, utmToWgs84 } from "./helpers/cases.js";
import { expectOutputEquals } from "./helpers/compare.js";

const cases = [
  { name: "nodata 0: zero pixels dropped", nodata: "0" as string | undefined },
  { name: "no nodata: zero pixels are values", nodata: undefined },
];

it.each(cases)(
  "GeoTIFF -> TIFF scanner -> compute equals brute force over geotiff.js values ($name)",
  async ({ nodata }) => {
    const width = 256;
    const height = 192;
    const data = Uint16Array.from({ length: width * height }, (_, k) =>
      hash01(k) < 0.1 ? 0 : 1 + (k % 5000),
    );
    const { bytes } = writeTiff({
      images: [
        {
          width,
          height,
          bits: 16,
          tile: [64, 64],
          compression: 8,
          data,
          ...(nodata === undefined ? {} : { nodata }),
          geo: { scale: [30, 30], tie: [500_000, 5_000_000], epsg: 32633 },
        },
      ],
    });
    const source = new MemorySource("memory://scene.tif", bytes);
    const { refs } = await scanTiff(source, source.url, { inlineThreshold: 0 });
    const variable = [...refs.arrays.keys()].find(
      (k) => refs.metadata.get(`${k}/.zarray`)?.shape?.toString() === `${height},${width}`,
    );
    expect(variable).toBeDefined();
    expect(refs.metadata.get(`${variable}/.zarray`)?.fill_value).toBe(0);
    const tiff = await fromArrayBuffer(
      bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
    );
    const raster = (await (await tiff.getImage(0)).readRasters())[0] as ArrayLike<number>;
    const truth: Truth = {
      ny: height,
      nx: width,
      nt: 1,
      nv: 1,
      centre: (y, x) => {
        const [lng, lat] = utmToWgs84(500_000 + (x + 0.5) * 30, 5_000_000 - (y + 0.5) * 30);
        return [lat, lng];
      },
      value: (_, __, y, x) => {
        const v = raster[y * width + x] as number;
        return v === 0 && nodata === "0" ? Number.NaN : v;
      },
    };
    const root = await mkdtemp(join(tmpdir(), "refs-compute-tif-"));
    try {
      const summary = await computeProject(
        { refs, read: referenceReader(refs, () => source), output: new LocalOutput(root) },
        { variables: [variable as string], resolution: 9 },
        { mappingThreads: 0 },
      );
      expect(summary.method).toBe("aggregate");
      // a tenth of the pixels are 0: counted as values only without nodata
      const zeros = data.filter((v) => v === 0).length;
      expect(zeros).toBeGreaterThan(width * height * 0.05);
      expect(summary.values).toBe(width * height);
      await expectOutputEquals(
        root,
        "h9",
        [columnName(variable as string, undefined)],
        bruteAggregate(truth, 9, "mean"),
        {
          withCount: true,
          withTime: false,
        },
      );
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  },
);
