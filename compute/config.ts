import { createHash } from "node:crypto";
import { ComputeConfigError } from "./errors.js";

export type Aggregation = "mean" | "min" | "max" | "sum" | "count";
/** The time part of a partition; "auto" chooses from the time step (see units/windows.ts). */
export type TimePartition = "auto" | "none" | "year" | "month" | "day" | "hour";
/** What a work unit is: one partition (h0 cell x time window), or one h0 cell with all its windows. */
export type UnitLayout = "partition" | "h0";

/** Rows above which a partition is split into data_0..k (about 100-300 MB of ZSTD Parquet). */
export const DEFAULT_MAX_ROWS_PER_FILE = 40_000_000;

/** What to compute: the project's choices, validated by normalizeConfig. */
export interface ComputeConfig {
  /** Array paths in the reference set; all on the same grid (and time axis). */
  variables: string[];
  /** H3 resolution 0..15, or "auto": chosen from the grid's pixel size (see cells/scale.ts chooseResolution). */
  resolution: number | "auto";
  /** How pixels combine into a cell when pixels are smaller than cells (default mean). */
  aggregation?: Aggregation;
  /** aggregate: pixels into cells; sample: cell centres into pixels; auto (default): by pixel vs cell area. */
  method?: "auto" | "aggregate" | "sample";
  /** Time window of a hive partition (default auto: from the time step; ignored without time). */
  timePartition?: TimePartition;
  /** What a work unit is (default "partition": one h0 cell x one time window; "h0": one h0 cell). */
  units?: UnitLayout;
  /** A partition with more rows is written as data_0..k, each at most this many rows. */
  maxRowsPerFile?: number;
  /** Column name per variable path (default: the path's last segment; a raster band "0" becomes "value"). */
  columns?: Record<string, string>;
  /** Source chunks per read along time, and per source block along y and x (default 1 each). */
  unitChunks?: { time?: number; y?: number; x?: number };
  /** Rows per Parquet row group (default 65536). */
  rowGroupSize?: number;
  /**
   * Write a rollup beside each file with time (per-cell count/sum/min/max by day and over the file, which /cells
   * answers aggregates from); default true. false saves its cost in compute (about a fifth of the CPU).
   */
  rollups?: boolean;
  /**
   * One element of an extra dimension (level, band, ensemble member) by coordinate value (`{"level": 850}`) or
   * by 0-based index (`{"level": {"index": 3}}`). Extra dimensions not selected give one column per element.
   */
  select?: Record<string, SelectValue>;
}

export type SelectValue = number | string | { index: number } | { value: number };

/** A selection, checked: by coordinate value or by index. */
export type Selection = Record<string, { value: number } | { index: number }>;

export type NormalizedConfig = Required<
  Omit<ComputeConfig, "unitChunks" | "select" | "columns" | "resolution" | "rollups">
> & {
  /** Present only when rollups are off, so configurations with them (the default) keep their hash. */
  rollups?: false;
  resolution: number;
  /** Present only when a column is renamed. */
  columns?: Record<string, string>;
  unitChunks: { time: number; y: number; x: number };
  /** Present only when something is selected, so configurations without one keep their hash. */
  select?: Selection;
};

const AGGREGATIONS = new Set(["mean", "min", "max", "sum", "count"]);

/** A normalized configuration whose resolution may still be "auto" (prepare resolves it from the grid). */
export type CheckedConfig = Omit<NormalizedConfig, "resolution"> & { resolution: number | "auto" };

export function normalizeConfig(c: ComputeConfig): CheckedConfig {
  if (!Array.isArray(c.variables) || c.variables.length === 0) {
    throw new ComputeConfigError("variables", "name at least one array");
  }
  if (c.resolution !== "auto" && (!Number.isInteger(c.resolution) || c.resolution < 0 || c.resolution > 15)) {
    throw new ComputeConfigError("resolution", `must be an integer 0..15 or "auto", got ${c.resolution}`);
  }
  const aggregation = c.aggregation ?? "mean";
  if (!AGGREGATIONS.has(aggregation)) throw new ComputeConfigError("aggregation", `unknown "${aggregation}"`);
  const method = c.method ?? "auto";
  if (!["auto", "aggregate", "sample"].includes(method))
    throw new ComputeConfigError("method", `unknown "${method}"`);
  const timePartition = c.timePartition ?? "auto";
  if (!["auto", "none", "year", "month", "day", "hour"].includes(timePartition)) {
    throw new ComputeConfigError(
      "timePartition",
      `unknown "${timePartition}" (one of auto, none, year, month, day, hour)`,
    );
  }
  const units = c.units ?? "partition";
  if (units !== "partition" && units !== "h0")
    throw new ComputeConfigError("units", `unknown "${units}" (partition or h0)`);
  const maxRowsPerFile = c.maxRowsPerFile ?? DEFAULT_MAX_ROWS_PER_FILE;
  if (!Number.isInteger(maxRowsPerFile) || maxRowsPerFile < 1)
    throw new ComputeConfigError("maxRowsPerFile", `must be an integer >= 1, got ${maxRowsPerFile}`);
  const columns = normalizeColumns(c.columns);
  const per = (v: number | undefined, name: string) => {
    const n = v ?? 1;
    if (!Number.isInteger(n) || n < 1)
      throw new ComputeConfigError(`unitChunks.${name}`, `must be >= 1, got ${v}`);
    return n;
  };
  const rowGroupSize = c.rowGroupSize ?? 65536;
  if (!Number.isInteger(rowGroupSize) || rowGroupSize < 1) {
    throw new ComputeConfigError("rowGroupSize", `must be >= 1, got ${rowGroupSize}`);
  }
  const select = normalizeSelect(c.select);
  if (c.rollups !== undefined && typeof c.rollups !== "boolean")
    throw new ComputeConfigError("rollups", `must be true or false, got ${JSON.stringify(c.rollups)}`);
  return {
    variables: [...c.variables],
    resolution: c.resolution,
    aggregation,
    method,
    timePartition,
    units,
    maxRowsPerFile,
    ...(columns ? { columns } : {}),
    unitChunks: {
      time: per(c.unitChunks?.time, "time"),
      y: per(c.unitChunks?.y, "y"),
      x: per(c.unitChunks?.x, "x"),
    },
    rowGroupSize,
    ...(select ? { select } : {}),
    ...(c.rollups === false ? { rollups: false as const } : {}),
  };
}

const COLUMN_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function normalizeColumns(columns: ComputeConfig["columns"]): Record<string, string> | undefined {
  if (columns === undefined) return undefined;
  if (typeof columns !== "object" || columns === null || Array.isArray(columns))
    throw new ComputeConfigError(
      "columns",
      `must map variables to column names, got ${JSON.stringify(columns)}`,
    );
  const out: Record<string, string> = {};
  for (const [variable, name] of Object.entries(columns).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (
      typeof name !== "string" ||
      !COLUMN_NAME.test(name) ||
      /^h\d+$/.test(name) ||
      ["time", "count"].includes(name)
    )
      throw new ComputeConfigError(
        `columns.${variable}`,
        `must be a name of letters, digits and _ (not time, count or h<res>), got ${JSON.stringify(name)}`,
      );
    out[variable] = name;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

function normalizeSelect(select: ComputeConfig["select"]): Selection | undefined {
  if (select === undefined) return undefined;
  if (typeof select !== "object" || select === null || Array.isArray(select)) {
    throw new ComputeConfigError(
      "select",
      `must map dimension names to values, got ${JSON.stringify(select)}`,
    );
  }
  const out: Selection = {};
  for (const [dim, raw] of Object.entries(select).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const field = `select.${dim}`;
    if (typeof raw === "object" && raw !== null && "index" in raw) {
      if (!Number.isInteger(raw.index) || raw.index < 0)
        throw new ComputeConfigError(
          field,
          `index must be an integer >= 0, got ${JSON.stringify(raw.index)}`,
        );
      out[dim] = { index: raw.index };
      continue;
    }
    const value = typeof raw === "object" && raw !== null && "value" in raw ? raw.value : raw;
    const n = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
    if (typeof n !== "number" || !Number.isFinite(n)) {
      throw new ComputeConfigError(
        field,
        `must be a coordinate value (a number) or {"index": i}, got ${JSON.stringify(raw)}`,
      );
    }
    out[dim] = { value: n };
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** `level=850` (by coordinate value) or `level[3]` (by 0-based index), as `--select` takes them. */
export function parseSelectArg(text: string): [string, SelectValue] {
  const byIndex = /^([^=[\]]+)\[(\d+)\]$/.exec(text.trim());
  if (byIndex) return [byIndex[1] as string, { index: Number(byIndex[2]) }];
  const byValue = /^([^=[\]]+)=(.+)$/.exec(text.trim());
  if (byValue) return [byValue[1] as string, byValue[2] as string];
  throw new ComputeConfigError("select", `expected dim=value or dim[index], got "${text}"`);
}

/** Hash of everything that shapes the output: a rerun only skips units recorded under the same hash. */
export function configHash(c: NormalizedConfig): string {
  return createHash("sha256").update(JSON.stringify(c)).digest("hex").slice(0, 16);
}
