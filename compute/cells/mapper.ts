import { getHexagonAreaAvg, getHexagonEdgeLengthAvg, UNITS } from "h3-js";
import { gridHash } from "../grid/from-spec.js";
import type { Grid, GridSpec } from "../grid/types.js";
import { shareWork } from "../workers/share.js";
import { loadMapping, saveMapping } from "./cache.js";
import { blockBox } from "./candidates.js";
import {
  aggregateMapping,
  type Block,
  type CellMapping,
  type MappingMethod,
  sampleMapping,
} from "./mapping.js";
import { inlinePixelCells, type PixelCells, workerPixelCells } from "./pixel-cells.js";
import { sampleCells, seedCells, splitLevel } from "./sample-cells.js";
import { blockHalo, pixelSpacingKm } from "./scale.js";

export interface MapperOptions {
  /** Folder for cached mappings; none: compute every time (still cached in memory for this run). */
  cacheDir?: string;
  /** Worker threads for the pixel -> cell computation (0: in this thread). */
  threads: number;
  /** Below this many pixels per block, compute in this thread even when threads > 0. */
  minPixelsForWorkers: number;
}

/** Block mappings of one grid at one resolution, computed once and cached in memory and on disk. */
export class CellMapper {
  private readonly memory = new Map<string, Promise<CellMapping>>();
  private pixelCells: PixelCells | undefined;
  readonly hash: string;

  constructor(
    private readonly spec: GridSpec,
    private readonly grid: Grid,
    readonly res: number,
    readonly method: MappingMethod,
    private readonly options: MapperOptions,
  ) {
    this.hash = gridHash(spec);
  }

  mapping(block: Block): Promise<CellMapping> {
    const key = `${this.hash}-r${this.res}-${this.method}-${block.y0}_${block.y1}_${block.x0}_${block.x1}`;
    let m = this.memory.get(key);
    if (!m) {
      m = this.load(key, block);
      this.memory.set(key, m);
      // Keep only recent blocks: a unit visits its block for every time chunk in a row.
      if (this.memory.size > 8) this.memory.delete(this.memory.keys().next().value as string);
    }
    return m;
  }

  private async load(key: string, block: Block): Promise<CellMapping> {
    const dir = this.options.cacheDir;
    if (dir) {
      const cached = await loadMapping(dir, key);
      if (cached) return cached;
    }
    const m = await this.compute(block);
    if (dir) await saveMapping(dir, key, m);
    return m;
  }

  private async compute(block: Block): Promise<CellMapping> {
    if (this.method === "sample") {
      const { dy, dx } = pixelSpacingKm(this.grid, block.y0, block.x0);
      const spacing = Math.max(Number.isFinite(dy) ? dy : 0, Number.isFinite(dx) ? dx : 0);
      const marginDeg = (spacing + 2 * getHexagonEdgeLengthAvg(this.res, UNITS.km)) / 111 + 1e-6;
      // Cells expected on the block: its pixels times cells per pixel.
      const centre = pixelSpacingKm(this.grid, (block.y0 + block.y1) >> 1, (block.x0 + block.x1) >> 1);
      const perPixel = (finite(centre.dy) * finite(centre.dx)) / getHexagonAreaAvg(this.res, UNITS.km2);
      const expected = (block.y1 - block.y0) * (block.x1 - block.x0) * Math.max(1, perPixel);
      const worker = this.cellsFor(expected);
      const box = blockBox(this.grid, block, marginDeg);
      if (worker !== this.pixelCells) {
        const seeds = seedCells(box, this.res, 0);
        return sampleMapping(block, this.res, [sampleCells(this.grid, block, this.res, seeds, box)]);
      }
      // Pieces for the workers and this thread, several each so that a slow piece does not hold the others up.
      const pieces = (this.options.threads + 1) * 8;
      const seeds = seedCells(box, this.res, pieces * 16);
      const parts = await shareWork(
        splitLevel(seeds, pieces),
        this.options.threads,
        (s) => worker.sample(block, this.res, s, box),
        (s) => sampleCells(this.grid, block, this.res, s, box),
      );
      return sampleMapping(block, this.res, parts);
    }
    const halo = blockHalo(this.grid, block, this.res);
    const pixels = (block.y1 - block.y0 + 2 * halo.y) * (block.x1 - block.x0 + 2 * halo.x);
    return aggregateMapping(this.grid, block, this.res, halo, this.cellsFor(pixels));
  }

  /** Worker threads for big jobs (points to place), this thread for small ones. */
  private cellsFor(points: number): PixelCells {
    if (this.options.threads <= 0 || points < this.options.minPixelsForWorkers)
      return inlinePixelCells(this.grid);
    this.pixelCells ??= workerPixelCells(this.spec, this.options.threads);
    return this.pixelCells;
  }

  async close(): Promise<void> {
    await this.pixelCells?.close();
    this.pixelCells = undefined;
  }
}

function finite(km: number): number {
  return Number.isFinite(km) ? km : 1;
}
