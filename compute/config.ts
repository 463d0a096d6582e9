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
  /**
   * One element of an extra dimension (level, band, ensemble member) by coordinate value (`{"level": 850}`) or
   * by 0-based index (`{"level": {"index": 3}}`). Extra dimensions not selected give one column per element.
   */
  select?: Record<string, SelectValue>;
}

export type SelectValue = number | string | { index: number } | { value: number };

/** A selection, checked: by coordinate value or by index. */
export type Selection = Record<string, { value: number } | { index: number }>;

export type NormalizedConfig = Required<Omit<ComputeConfig, "unitChunks" | "select">> & {
  unitChunks: { time: number; y: number; x: number };
  /** Present only when something is selected, so configurations without one keep their hash. */
  select?: Selection;
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
  const select = normalizeSelect(c.select);
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
    ...(select ? { select } : {}),
  };
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
