/**
 * The sample mapping (cells smaller than pixels) found by walking the H3 hierarchy, against independent answers:
 * h3-js's own children, an exhaustive list of every cell of the globe placed through the grid, and distances to a
 * box measured point by point.
 */
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  cellToChildren,
  cellToLatLng,
  getPentagons,
  getRes0Cells,
  greatCircleDistance,
  gridDisk,
  latLngToCell,
  polygonToCells,
  UNITS,
  uncompactCells,
} from "h3-js";
import { describe, expect, it } from "vitest";
import { loadMapping, saveMapping } from "../../compute/cells/cache.js";
import { angleInsideBox, angleToBox, type Box, insideBox } from "../../compute/cells/candidates.js";
import { childrenOf, keysToIndexes, keyToSplitLong, resolution0 } from "../../compute/cells/children.js";
import { cellKey, cellToBigInt } from "../../compute/cells/h3.js";
import { CellMapper } from "../../compute/cells/mapper.js";
import type { Block, CellMapping } from "../../compute/cells/mapping.js";
import { descendantReach } from "../../compute/cells/sample-cells.js";
import { gridFromSpec } from "../../compute/grid/from-spec.js";
import type { Grid, GridSpec } from "../../compute/grid/types.js";

const resOf = (c: string) => Number.parseInt(c[1] as string, 16);

describe("the H3 hierarchy on numeric keys", () => {
  it("children equal h3-js cellToChildren, pentagons included, ascending; halves and indexes round-trip", () => {
    const parents = [
      ...getPentagons(0),
      ...getPentagons(2),
      ...getRes0Cells().slice(0, 5),
      ...gridDisk(latLngToCell(47.3, 8.5, 4), 1),
      ...gridDisk(latLngToCell(-60, -170, 7), 1),
    ];
    for (const parent of parents) {
      const res = resOf(parent);
      const level = {
        res,
        keys: Float64Array.of(cellKey(parent)),
        pentagon: Uint8Array.of(getPentagons(res).includes(parent) ? 1 : 0),
        inherited: Uint8Array.of(1),
      };
      let next = childrenOf(level);
      let grand = childrenOf(next);
      expect(keysToIndexes(next.keys, res + 1)).toEqual(
        BigUint64Array.from(
          cellToChildren(parent, res + 1)
            .map(cellToBigInt)
            .sort(cmp),
        ),
      );
      expect(keysToIndexes(grand.keys, res + 2)).toEqual(
        BigUint64Array.from(
          cellToChildren(parent, res + 2)
            .map(cellToBigInt)
            .sort(cmp),
        ),
      );
      for (let i = 0; i < grand.keys.length; i++) {
        const hex = `${cellToChildren(parent, res + 2).sort()[i]}`;
        expect(cellToLatLng(keyToSplitLong(grand.keys[i] as number, res + 2))).toEqual(cellToLatLng(hex));
      }
      next = grand;
      grand = childrenOf(next);
      expect(grand.keys.length).toBe(cellToChildren(parent, res + 3).length);
      expect(grand.inherited.every((f) => f === 1)).toBe(true);
    }
  });

  it("resolution 0 expanded twice is every resolution-2 cell, in ascending order", () => {
    const all = childrenOf(childrenOf(resolution0()));
    const expected = BigUint64Array.from(uncompactCells(getRes0Cells(), 2).map(cellToBigInt)).sort();
    expect(keysToIndexes(all.keys, 2)).toEqual(expected);
  });
});

function cmp(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

describe("how far descendants lie from a cell's centre", () => {
  it("within the reach used for pruning, over every base cell and a spread of resolution-2 cells", () => {
    const parents = [...getRes0Cells(), ...uncompactCells(getRes0Cells(), 2).filter((_, i) => i % 12 === 0)];
    let worst = 0;
    for (const parent of parents) {
      const res = resOf(parent);
      const centre = cellToLatLng(parent);
      for (const child of cellToChildren(parent, res + 3)) {
        const angle = greatCircleDistance(centre, cellToLatLng(child), UNITS.rads);
        worst = Math.max(worst, angle / descendantReach(res));
      }
    }
    // Measured about 0.56 of the reach (1.12 average edge lengths of 2): room for deeper descendants.
    expect(worst).toBeLessThan(0.6);
    expect(worst).toBeGreaterThan(0.4);
  });
});

describe("distance to a latitude/longitude box", () => {
  const boxes: Box[] = [
    { south: 10, north: 20, west: 30, east: 45 },
    { south: -80, north: -60, west: 170, east: 200 },
    { south: 60, north: 90, west: -180, east: 180 },
    { south: -5, north: 5, west: -100, east: 120 },
    { south: -30, north: 40, west: -170, east: 130 },
    { south: -90, north: -50, west: 100, east: 110 },
  ];

  it("from outside and from inside never exceeds the true distance (box and its edges sampled densely)", () => {
    let rng = 12345;
    const random = () => {
      rng = (rng * 1103515245 + 12345) % 2 ** 31;
      return rng / 2 ** 31;
    };
    for (const box of boxes) {
      const samples: [number, number][] = [];
      for (let i = 0; i <= 30; i++) {
        for (let j = 0; j <= 30; j++) {
          samples.push([
            box.south + ((box.north - box.south) * i) / 30,
            box.west + ((box.east - box.west) * j) / 30,
          ]);
        }
      }
      // Its edges, minus those at a pole or along a full circle of longitude (nothing lies beyond them).
      const edges: [number, number][] = [];
      for (let i = 0; i <= 400; i++) {
        const f = i / 400;
        const lng = box.west + (box.east - box.west) * f;
        const lat = box.south + (box.north - box.south) * f;
        if (box.south > -90) edges.push([box.south, lng]);
        if (box.north < 90) edges.push([box.north, lng]);
        if (box.east - box.west < 360) edges.push([lat, box.west], [lat, box.east]);
      }
      let deep = 0;
      for (let k = 0; k < 200; k++) {
        // Half the points anywhere, half in the box.
        const lat = k % 2 ? -90 + 180 * random() : box.south + (box.north - box.south) * random();
        const lng = k % 2 ? -180 + 360 * random() : box.west + (box.east - box.west) * random();
        const inside = insideBox(box, lat, lng);
        const dist = (points: [number, number][]) => {
          let nearest = Number.POSITIVE_INFINITY;
          for (const [a, b] of points)
            nearest = Math.min(nearest, greatCircleDistance([lat, lng], [a, b], UNITS.rads));
          return nearest;
        };
        const bound = angleToBox(box, lat, lng);
        expect(bound).toBeLessThanOrEqual(dist(samples) + 1e-12);
        if (inside) expect(bound).toBe(0);
        const depth = angleInsideBox(box, lat, lng);
        if (!inside) expect(depth).toBe(0);
        else if (edges.length > 0) {
          const edge = dist(edges);
          expect(depth).toBeLessThanOrEqual(edge + 1e-12);
          // Tight: within a sampling step of the nearest edge point.
          expect(depth).toBeGreaterThan(edge - 0.01);
          deep++;
        }
      }
      if (box.east - box.west < 360 || box.south > -90 || box.north < 90) expect(deep).toBeGreaterThan(50);
      // Tight enough to prune: a point 10 degrees of latitude off the box is about 10 degrees from it.
      const off = angleToBox(box, box.south - 10, (box.west + box.east) / 2);
      if (box.south - 10 >= -90) expect(off).toBeCloseTo((10 * Math.PI) / 180, 9);
    }
  });
});

/**
 * Every cell at `res` (of the globe, or of a padded latitude/longitude box) with the pixel (y, x) its centre
 * falls on through the grid.
 */
function placeAll(grid: Grid, res: number, region?: number[][]): Map<bigint, [number, number]> {
  const cells = region ? polygonToCells(region, res) : uncompactCells(getRes0Cells(), res);
  const out = new Map<bigint, [number, number]>();
  for (const cell of cells) {
    const [lat, lng] = cellToLatLng(cell);
    const p = grid.pixelCoords(lat, lng, false);
    if (!p) continue;
    const y = Math.round(p[0]);
    let x = Math.round(p[1]);
    if (grid.periodicX) x = ((x % grid.nx) + grid.nx) % grid.nx;
    if (y >= 0 && y < grid.ny && x >= 0 && x < grid.nx) out.set(cellToBigInt(cell), [y, x]);
  }
  return out;
}

/** The placed cells on a block, with their block-buffer positions. */
function onBlock(placed: Map<bigint, [number, number]>, block: Block): Map<bigint, number> {
  const out = new Map<bigint, number>();
  const width = block.x1 - block.x0;
  for (const [cell, [y, x]] of placed) {
    if (y < block.y0 || y >= block.y1 || x < block.x0 || x >= block.x1) continue;
    out.set(cell, (y - block.y0) * width + (x - block.x0) + 0);
  }
  return out;
}

function asMap(m: CellMapping): Map<bigint, number> {
  const out = new Map<bigint, number>();
  for (let i = 0; i < m.cells.length; i++) {
    expect(m.offsets[i + 1] as number).toBe((m.offsets[i] as number) + 1);
    if (i > 0) expect(m.cells[i] as bigint).toBeGreaterThan(m.cells[i - 1] as bigint);
    out.set(m.cells[i] as bigint, m.pixels[m.offsets[i] as number] as number);
  }
  return out;
}

function blocks(grid: Grid, rows: number, cols: number): Block[] {
  const out: Block[] = [];
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      out.push({
        y0: Math.round((grid.ny * i) / rows),
        y1: Math.round((grid.ny * (i + 1)) / rows),
        x0: Math.round((grid.nx * j) / cols),
        x1: Math.round((grid.nx * (j + 1)) / cols),
      });
    }
  }
  return out;
}

const axis = (n: number, first: number, step: number) =>
  Float64Array.from({ length: n }, (_, i) => first + i * step);

const grids: { name: string; spec: GridSpec; res: number; split: [number, number]; region?: number[][] }[] = [
  {
    name: "global 4-degree grid, 0..360, pixel centres on the poles",
    spec: { kind: "regular", lat: axis(46, 90, -4), lon: axis(90, 0, 4) },
    res: 3,
    split: [3, 4],
  },
  {
    name: "regional grid across the antimeridian (170E..190E), ascending latitude",
    spec: { kind: "regular", lat: axis(12, -30, 1.5), lon: axis(14, 170.25, 1.5) },
    res: 4,
    split: [2, 3],
  },
  {
    name: "polar stereographic 100 km grid holding the north pole",
    spec: {
      kind: "projected",
      crs: "+proj=stere +lat_0=90 +lat_ts=70 +lon_0=-45 +datum=WGS84 +units=m +no_defs",
      x0: -1_500_000,
      dx: 100_000,
      y0: 1_500_000,
      dy: -100_000,
      nx: 31,
      ny: 31,
    },
    res: 3,
    split: [2, 2],
  },
  {
    name: "UTM 33N 20 km grid",
    spec: {
      kind: "projected",
      crs: "+proj=utm +zone=33 +datum=WGS84 +units=m +no_defs",
      x0: 310_000,
      dx: 20_000,
      y0: 5_400_000,
      dy: -20_000,
      nx: 20,
      ny: 25,
    },
    res: 5,
    split: [2, 2],
    // Well around the grid (about 45.5..49 N, 10.5..16 E); searching the whole globe at res 5 would take long.
    region: [
      [43, 7],
      [43, 19],
      [52, 19],
      [52, 7],
    ],
  },
];

describe("sample mapping walking the hierarchy", () => {
  for (const { name, spec, res, split, region } of grids) {
    it(`${name}: every block holds exactly the cells an exhaustive search places on it, in this thread and on workers`, async () => {
      const grid = gridFromSpec(spec);
      const inline = new CellMapper(spec, grid, res, "sample", { threads: 0, minPixelsForWorkers: 0 });
      const workers = new CellMapper(spec, grid, res, "sample", { threads: 2, minPixelsForWorkers: 0 });
      try {
        const placed = placeAll(grid, res, region);
        let total = 0;
        for (const block of blocks(grid, ...split)) {
          const expected = onBlock(placed, block);
          const a = asMap(await inline.mapping(block));
          const b = asMap(await workers.mapping(block));
          expect(a).toEqual(expected);
          expect(b).toEqual(expected);
          total += expected.size;
        }
        expect(total).toBe(placed.size);
        expect(total).toBeGreaterThan(100);
      } finally {
        await workers.close();
      }
    });
  }
});

describe("mapping cache on disk", () => {
  it("round-trips a one-pixel-per-cell mapping (stored without offsets) and a grouped one", async () => {
    const dir = await mkdtemp(join(tmpdir(), "refs-cells-cache-"));
    try {
      const spec: GridSpec = { kind: "regular", lat: axis(10, 50, -2), lon: axis(12, 0, 2) };
      const grid = gridFromSpec(spec);
      const block = { y0: 2, y1: 7, x0: 3, x1: 11 };
      const sample = await new CellMapper(spec, grid, 4, "sample", {
        threads: 0,
        minPixelsForWorkers: 0,
      }).mapping(block);
      const grouped: CellMapping = {
        rows: [1, 3],
        columns: [
          [10, 12],
          [0, 1],
        ],
        cells: BigUint64Array.of(0x8428347ffffffffn, 0x842834fffffffffn),
        offsets: Uint32Array.of(0, 2, 5),
        pixels: Uint32Array.of(0, 4, 1, 2, 3),
      };
      for (const [key, m] of [
        ["sample", sample],
        ["grouped", grouped],
      ] as const) {
        await saveMapping(dir, key, m);
        const back = await loadMapping(dir, key);
        expect(back).toEqual(m);
      }
      expect(sample.cells.length).toBeGreaterThan(50);
      // 4-byte length, header, 8 bytes per cell, 4 per pixel: no offsets stored for the sample mapping.
      const size = (await stat(join(dir, "sample.cells"))).size;
      expect(size).toBeLessThan(4 + 200 + sample.cells.length * 12);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
