/**
 * Everything a run needs before its first unit: variables and their decoders, the grid, decoded times, the
 * mapping method and the work units. Pure with respect to the output: it only reads coordinates.
 */

import { getHexagonAreaAvg, UNITS } from "h3-js";
import type { ReferenceSet } from "../refs/model/index.js";
import { blockBox } from "./cells/candidates.js";
import type { MappingMethod } from "./cells/mapping.js";
import { chooseMethod, chooseResolution, pixelSpacingKm } from "./cells/scale.js";
import { cfDecoder, type Decoder } from "./cf/decode.js";
import { type PerFileDecoders, perFileDecoders } from "./cf/per-file.js";
import { decodeTimes } from "./cf/time.js";
import { type CheckedConfig, configHash, type NormalizedConfig } from "./config.js";
import { ComputeConfigError } from "./errors.js";
import { type ColumnOrigin, type DimPick, planColumns } from "./grid/columns.js";
import { type DetectedGrid, detectGrid } from "./grid/detect.js";
import { gridFromSpec, gridHash } from "./grid/from-spec.js";
import type { Grid, GridSpec } from "./grid/types.js";
import { type ArrayInfo, type ArrayReader, arrayInfo, readWhole } from "./source.js";
import { planBlocks, planUnits, type WorkUnit } from "./units/plan.js";
import { chooseWindow, type TimeWindow, timeWindows } from "./units/windows.js";

export interface Variable {
  info: ArrayInfo;
  /** Column name: compute.columns, else the last path segment ("value" for a raster band named by a number). */
  name: string;
  decoder: Decoder;
  /** Files packed the variable with different scale_factor/add_offset: a decoder per element along the concat dims. */
  perFile?: PerFileDecoders;
}

/** One output column: a variable at one element of each of its extra dimensions. */
export interface Column {
  name: string;
  variable: Variable;
  picks: DimPick[];
}

export interface Prepared {
  config: NormalizedConfig;
  configHash: string;
  variables: Variable[];
  /** Output value columns in order: per variable, its extra-dimension elements in C order. */
  columns: Column[];
  /** Column -> (variable, dimension elements), when any variable has extra dimensions. */
  columnOrigins?: Record<string, ColumnOrigin>;
  spec: GridSpec;
  grid: Grid;
  gridHash: string;
  method: MappingMethod;
  timeAxis: number;
  yAxis: number;
  xAxis: number;
  extraAxes: number[];
  /** Milliseconds since 1970 UTC per time step. */
  timesMs?: Float64Array;
  /** Why the resolution is what it is (given, or chosen from the grid's pixel size). */
  resolutionReason: string;
  /** The time window of partitions, resolved from "auto", and why. */
  window: TimeWindow;
  windowReason: string;
  /** Time steps per read (source time chunks x unitChunks.time). */
  readSteps: number;
  units: WorkUnit[];
}

export async function prepare(
  refs: ReferenceSet,
  checked: CheckedConfig,
  read: ArrayReader,
): Promise<Prepared> {
  const variables: Variable[] = [];
  for (const path of checked.variables) {
    const info = arrayInfo(refs, path);
    const perFile = await perFileDecoders(refs, info, read);
    // Per-file packing: its decoders give the output type (packed values decode to float64).
    const decoder = perFile?.decoders[0] ?? cfDecoder(info);
    variables.push({
      info,
      name: columnName(path, checked.columns),
      decoder,
      ...(perFile ? { perFile } : {}),
    });
  }
  const first = (variables[0] as Variable).info;
  for (const v of variables) {
    if (v.info.shape.join() !== first.shape.join()) {
      throw new ComputeConfigError(
        "variables",
        `${v.info.path} has shape ${v.info.shape.join("x")}, ${first.path} has ${first.shape.join("x")}: one grid per run`,
      );
    }
  }
  const detected = await detectGrid(refs, first.path, read);
  for (const v of variables) {
    const spatial = v.perFile?.axes.find((a) => a === detected.yAxis || a === detected.xAxis);
    if (spatial !== undefined) {
      throw new ComputeConfigError(
        "variables",
        `${v.info.path}: its files' packing varies along ${v.info.dims[spatial]}, a spatial axis; only time and extra dimensions can carry per-file packing`,
      );
    }
  }
  const grid = gridFromSpec(detected.spec);
  const chosen = checked.resolution === "auto" ? chooseResolution(grid) : undefined;
  const config: NormalizedConfig = {
    ...checked,
    resolution: chosen ? chosen.resolution : (checked.resolution as number),
  };
  const resolutionReason = chosen ? chosen.reason : "compute.resolution";
  const columns = await outputColumns(refs, variables, detected, config, read);
  let timesMs: Float64Array | undefined;
  if (detected.timeArray) {
    const t = detected.timeArray;
    timesMs = decodeTimes(
      await readWhole(read, t),
      String(t.attrs.units),
      t.attrs.calendar as string | undefined,
    );
  }
  const method = config.method === "auto" ? chooseMethod(grid, config.resolution) : config.method;
  // Blocks follow source chunks along y and x; units own (h0 cell x time window) partitions and read the blocks
  // that may hold their cells; extra dimensions stay whole (their elements are columns).
  const { yAxis, xAxis } = detected;
  const blocks = planBlocks(first.shape[yAxis] as number, first.shape[xAxis] as number, {
    y: Math.max(1, (first.chunks[yAxis] as number) * config.unitChunks.y),
    x: Math.max(1, (first.chunks[xAxis] as number) * config.unitChunks.x),
  }).map((block) => ({ block, box: blockBox(grid, block, marginDeg(grid, block)) }));
  const reached = planUnits(blocks, [{ dir: "", value: "", start: 0, stop: 1 }], "h0").filter(
    (u) => u.blocks.length > 0,
  ).length;
  let window: TimeWindow;
  let windowReason: string;
  if (config.timePartition === "auto") {
    const rowsPerStep = gridAreaKm2(grid) / getHexagonAreaAvg(config.resolution, UNITS.km2);
    ({ window, reason: windowReason } = chooseWindow(timesMs, rowsPerStep / Math.max(1, reached)));
  } else {
    window = timesMs ? config.timePartition : "none";
    windowReason = timesMs ? "compute.timePartition" : "the data has no time";
  }
  const units = planUnits(blocks, timeWindows(timesMs, window), config.units);
  const timeChunk = detected.timeAxis >= 0 ? (first.chunks[detected.timeAxis] as number) : 1;
  return {
    config,
    // the hash names the window actually used, so "auto" resolving otherwise is a new configuration
    configHash: configHash({ ...config, timePartition: window }),
    variables,
    columns,
    ...(detected.extraAxes.length > 0 ? { columnOrigins: originsOf(columns) } : {}),
    spec: detected.spec,
    grid,
    gridHash: gridHash(detected.spec),
    method,
    timeAxis: detected.timeAxis,
    yAxis,
    xAxis,
    extraAxes: detected.extraAxes,
    ...(timesMs ? { timesMs } : {}),
    resolutionReason,
    window,
    windowReason,
    readSteps: Math.max(1, timeChunk * config.unitChunks.time),
    units,
  };
}

async function outputColumns(
  refs: ReferenceSet,
  variables: Variable[],
  detected: DetectedGrid,
  config: NormalizedConfig,
  read: ArrayReader,
): Promise<Column[]> {
  const select = config.select ?? {};
  const extraDims = new Set(
    variables.flatMap((v) => detected.extraAxes.map((a) => v.info.dims[a] as string)),
  );
  for (const dim of Object.keys(select)) {
    if (!extraDims.has(dim)) {
      const known = [...extraDims].join(", ") || "none";
      throw new ComputeConfigError(
        `select.${dim}`,
        `${variables.map((v) => v.info.path).join(", ")} ha${variables.length > 1 ? "ve" : "s"} no extra dimension ${dim} (extra dimensions: ${known}; time, rows and columns cannot be selected)`,
      );
    }
  }
  const columns: Column[] = [];
  for (const variable of variables) {
    const plans = await planColumns(refs, variable.info, variable.name, detected.extraAxes, select, read);
    for (const plan of plans) columns.push({ name: plan.name, variable, picks: plan.picks });
  }
  const seen = new Set<string>();
  for (const c of columns) {
    if (seen.has(c.name)) {
      throw new ComputeConfigError(
        "variables",
        `two columns would be named ${c.name}; select along an extra dimension or compute the variables apart`,
      );
    }
    seen.add(c.name);
  }
  return columns;
}

function originsOf(columns: Column[]): Record<string, ColumnOrigin> {
  const out: Record<string, ColumnOrigin> = {};
  for (const c of columns) {
    const dims: ColumnOrigin["dims"] = {};
    for (const p of c.picks) dims[p.dim] = { index: p.index, value: p.value };
    out[c.name] = { variable: c.variable.info.path, dims };
  }
  return out;
}

/** compute.columns' name for a variable, else its last path segment; a raster band named by its number
 * (a multiscale TIFF's full image "0") becomes "value". */
export function columnName(path: string, columns: Record<string, string> | undefined): string {
  const renamed = columns?.[path];
  if (renamed) return renamed;
  const last = path.slice(path.lastIndexOf("/") + 1);
  return /^\d+$/.test(last) ? "value" : last;
}

/** Degrees around a block where centres of the cells it owns lie: a pixel spacing and a cell edge. */
function marginDeg(grid: Grid, block: { y0: number; x0: number }): number {
  const { dy, dx } = pixelSpacingKm(grid, block.y0, block.x0);
  const km = Math.max(Number.isFinite(dy) ? dy : 0, Number.isFinite(dx) ? dx : 0);
  return (km + 1) / 111 + 1e-6;
}

/** The grid's area (km2) from pixel spacings at up to 32 x 32 sampled pixels. */
function gridAreaKm2(grid: Grid): number {
  const ys = samples(grid.ny);
  const xs = samples(grid.nx);
  let sum = 0;
  let n = 0;
  for (const y of ys) {
    for (const x of xs) {
      const { dy, dx } = pixelSpacingKm(grid, y, x);
      const a = (Number.isFinite(dy) ? dy : dx) * (Number.isFinite(dx) ? dx : dy);
      if (Number.isFinite(a)) {
        sum += a;
        n++;
      }
    }
  }
  return n > 0 ? (sum / n) * grid.ny * grid.nx : 0;
}

function samples(n: number): number[] {
  const k = Math.min(n, 32);
  return Array.from({ length: k }, (_, i) => Math.floor(((i + 0.5) * n) / k));
}
