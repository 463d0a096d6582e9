/**
 * Everything a run needs before its first unit: variables and their decoders, the grid, decoded times, the
 * mapping method and the work units. Pure with respect to the output: it only reads coordinates.
 */
import type { ReferenceSet } from "../refs/model/reference-set.js";
import type { MappingMethod } from "./cells/mapping.js";
import { chooseMethod } from "./cells/scale.js";
import { cfDecoder, type Decoder } from "./cf/decode.js";
import { decodeTimes } from "./cf/time.js";
import { configHash, type NormalizedConfig } from "./config.js";
import { ComputeConfigError } from "./errors.js";
import { detectGrid } from "./grid/detect.js";
import { gridFromSpec, gridHash } from "./grid/from-spec.js";
import type { Grid, GridSpec } from "./grid/types.js";
import { type ArrayInfo, type ArrayReader, arrayInfo, readWhole } from "./source.js";
import { planUnits, type WorkUnit } from "./units/plan.js";

export interface Variable {
  info: ArrayInfo;
  /** Column name: the last path segment. */
  name: string;
  decoder: Decoder;
}

export interface Prepared {
  config: NormalizedConfig;
  configHash: string;
  variables: Variable[];
  spec: GridSpec;
  grid: Grid;
  gridHash: string;
  method: MappingMethod;
  timeAxis: number;
  /** Milliseconds since 1970 UTC per time step. */
  timesMs?: Float64Array;
  units: WorkUnit[];
}

export async function prepare(
  refs: ReferenceSet,
  config: NormalizedConfig,
  read: ArrayReader,
): Promise<Prepared> {
  const variables = config.variables.map((path) => {
    const info = arrayInfo(refs, path);
    return { info, name: path.slice(path.lastIndexOf("/") + 1), decoder: cfDecoder(info) };
  });
  const first = (variables[0] as Variable).info;
  for (const v of variables) {
    if (v.info.shape.join() !== first.shape.join()) {
      throw new ComputeConfigError(
        "variables",
        `${v.info.path} has shape ${v.info.shape.join("x")}, ${first.path} has ${first.shape.join("x")}: one grid per run`,
      );
    }
  }
  const names = new Set(variables.map((v) => v.name));
  if (names.size !== variables.length)
    throw new ComputeConfigError("variables", "two variables share a column name");
  const detected = await detectGrid(refs, first.path, read);
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
  const nd = first.shape.length;
  const units = planUnits({
    ...(timesMs ? { nt: timesMs.length } : {}),
    ny: first.shape[nd - 2] as number,
    nx: first.shape[nd - 1] as number,
    chunks: {
      t: detected.timeAxis >= 0 ? (first.chunks[detected.timeAxis] as number) : 1,
      y: first.chunks[nd - 2] as number,
      x: first.chunks[nd - 1] as number,
    },
    perUnit: { t: config.unitChunks.time, y: config.unitChunks.y, x: config.unitChunks.x },
  });
  return {
    config,
    configHash: configHash(config),
    variables,
    spec: detected.spec,
    grid,
    gridHash: gridHash(detected.spec),
    method,
    timeAxis: detected.timeAxis,
    ...(timesMs ? { timesMs } : {}),
    units,
  };
}
