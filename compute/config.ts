import { createHash } from "node:crypto";
import { ComputeConfigError } from "./errors.js";

export type Aggregation = "mean" | "min" | "max" | "sum" | "count";
export type TimePartition = "day" | "month" | "year" | "none";

/** What to compute: the project's choices, validated by normalizeConfig. */
export interface ComputeConfig {
  /** Array paths in the reference set; all on the same grid (and time axis). */
  variables: string[];
  /** H3 resolution 0..15. */
  resolution: number;
  /** How pixels combine into a cell when pixels are smaller than cells (default mean). */
  aggregation?: Aggregation;
  /** aggregate: pixels into cells; sample: cell centres into pixels; auto (default): by pixel vs cell area. */
  method?: "auto" | "aggregate" | "sample";
  /** Hive time partition (default day; ignored without time). */
  timePartition?: TimePartition;
  /** Source chunks per work unit along time, y and x (default 1 each). */
  unitChunks?: { time?: number; y?: number; x?: number };
  /** Rows per Parquet row group (default 65536). */
  rowGroupSize?: number;
}

export type NormalizedConfig = Required<Omit<ComputeConfig, "unitChunks">> & {
  unitChunks: { time: number; y: number; x: number };
};

const AGGREGATIONS = new Set(["mean", "min", "max", "sum", "count"]);

export function normalizeConfig(c: ComputeConfig): NormalizedConfig {
  if (!Array.isArray(c.variables) || c.variables.length === 0) {
    throw new ComputeConfigError("variables", "name at least one array");
  }
  if (!Number.isInteger(c.resolution) || c.resolution < 0 || c.resolution > 15) {
    throw new ComputeConfigError("resolution", `must be an integer 0..15, got ${c.resolution}`);
  }
  const aggregation = c.aggregation ?? "mean";
  if (!AGGREGATIONS.has(aggregation)) throw new ComputeConfigError("aggregation", `unknown "${aggregation}"`);
  const method = c.method ?? "auto";
  if (!["auto", "aggregate", "sample"].includes(method))
    throw new ComputeConfigError("method", `unknown "${method}"`);
  const timePartition = c.timePartition ?? "day";
  if (!["day", "month", "year", "none"].includes(timePartition)) {
    throw new ComputeConfigError("timePartition", `unknown "${timePartition}"`);
  }
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
  return {
    variables: [...c.variables],
    resolution: c.resolution,
    aggregation,
    method,
    timePartition,
    unitChunks: {
      time: per(c.unitChunks?.time, "time"),
      y: per(c.unitChunks?.y, "y"),
      x: per(c.unitChunks?.x, "x"),
    },
    rowGroupSize,
  };
}

/** Hash of everything that shapes the output: a rerun only skips units recorded under the same hash. */
export function configHash(c: NormalizedConfig): string {
  return createHash("sha256").update(JSON.stringify(c)).digest("hex").slice(0, 16);
}
