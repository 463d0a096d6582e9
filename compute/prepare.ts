/**
 * Everything a run needs before its first unit: variables and their decoders, the grid, decoded times, the
 * mapping method and the work units. Pure with respect to the output: it only reads coordinates.
 */
import type { ReferenceSet } from "../refs/model/reference-set.js";
import type { MappingMethod } from "./cells/mapping.js";
import { chooseMethod } from "./cells/scale.js";
import { cfDecoder, type Decoder } from "./cf/decode.js";
import { type PerFileDecoders, perFileDecoders } from "./cf/per-file.js";
import { decodeTimes } from "./cf/time.js";
import { configHash, type NormalizedConfig } from "./config.js";
import { ComputeConfigError } from "./errors.js";
import { type ColumnOrigin, type DimPick, planColumns } from "./grid/columns.js";
import { type DetectedGrid, detectGrid } from "./grid/detect.js";
import { gridFromSpec, gridHash } from "./grid/from-spec.js";
import type { Grid, GridSpec } from "./grid/types.js";
import { type ArrayInfo, type ArrayReader, arrayInfo, readWhole } from "./source.js";
import { planUnits, type WorkUnit } from "./units/plan.js";

export interface Variable {
  info: ArrayInfo;
  /** Column name: the last path segment. */
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
  units: WorkUnit[];
}

export async function prepare(
  refs: ReferenceSet,
  config: NormalizedConfig,
  read: ArrayReader,
): Promise<Prepared> {
  const variables: Variable[] = [];
  for (const path of config.variables) {
    const info = arrayInfo(refs, path);
    const perFile = await perFileDecoders(refs, info, read);
    // Per-file packing: its decoders give the output type (packed values decode to float64).
    const decoder = perFile?.decoders[0] ?? cfDecoder(info);
    variables.push({
      info,
      name: path.slice(path.lastIndexOf("/") + 1),
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
  const columns = await outputColumns(refs, variables, detected, config, read);
  const grid = gridFromSpec(detected.spec);
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
  // Units split time, y and x along source chunks; extra dimensions stay whole (their elements are columns).
  const { yAxis, xAxis } = detected;
  const units = planUnits({
    ...(timesMs ? { nt: timesMs.length } : {}),
    ny: first.shape[yAxis] as number,
    nx: first.shape[xAxis] as number,
    chunks: {
      t: detected.timeAxis >= 0 ? (first.chunks[detected.timeAxis] as number) : 1,
      y: first.chunks[yAxis] as number,
      x: first.chunks[xAxis] as number,
    },
    perUnit: { t: config.unitChunks.time, y: config.unitChunks.y, x: config.unitChunks.x },
  });
  return {
    config,
    configHash: configHash(config),
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
