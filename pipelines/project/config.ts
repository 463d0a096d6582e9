import { ProjectConfigError } from "./errors.js";

/** The settings of one project, as stored in `<workdir>/<proj>/project.json`. */
export interface ProjectConfig {
  version: 1;
  name: string;
  /** URL globs of the source files (file paths, https://, s3://, gs://). */
  sources: string[];
  storage: {
    s3?: { endpoint?: string; region?: string; forcePathStyle?: boolean; anonymous?: boolean };
    gcs?: { apiEndpoint?: string; projectId?: string; anonymous?: boolean };
  };
  references: {
    /** "auto" picks Parquet beyond `parquetThreshold` chunk references. */
    format: "auto" | "json" | "parquet";
    parquetThreshold: number;
    inlineThreshold: number;
    /** NetCDF3: fixed variables larger than this many bytes are cut along their first axis; 0 = one chunk. */
    maxChunkBytes: number;
    /** Dimensions to concatenate along; empty = detect (the unlimited/time dimension). */
    concatDims: string[];
    identicalDims: string[];
    /**
     * Variables whose files pack them with different scale_factor/add_offset: "per-file" carries each file's
     * coefficients as `<var>_scale_factor`/`<var>_add_offset` along the concat dimensions; "refuse" fails the combine.
     */
    packing: "per-file" | "refuse";
    onError: "raise" | "warn" | "skip";
  };
  compute: {
    /** H3 resolution, or "auto" (the default): chosen from the grid's pixel size at compute. */
    resolution: number | "auto";
    variables: string[];
    aggregation: "mean" | "min" | "max" | "sum" | "count";
    /** One element of extra dimensions (level, band): by coordinate value, or {"index": i}. */
    select?: Record<string, number | string | { index: number }>;
    /** Time window of a partition (h0 cell x window): auto (from the time step), none, year, month, day, hour. */
    timePartition?: "auto" | "none" | "year" | "month" | "day" | "hour";
    /** What a work unit is: one partition (default) or one h0 cell with all its windows ("h0"). */
    units?: "partition" | "h0";
    /** A partition with more rows is split into data_0..k. */
    maxRowsPerFile?: number;
    /** Column name per variable (e.g. {"0": "carbon"}). */
    columns?: Record<string, string>;
    /** Rollups beside each file with time, for fast aggregates in /cells (default true). */
    rollups?: boolean;
    /** Output location (folder or URL); default `<project>/h3`. */
    output?: string;
  };
  catalog: {
    title?: string;
    description?: string;
    license: string;
    /** Datetime (RFC 3339) of items whose data has no time and no date of its own (a TIFF DateTime tag). */
    datetime?: string;
  };
}

export const PROJECT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export function defaultConfig(name: string, sources: string[]): ProjectConfig {
  return {
    version: 1,
    name,
    sources,
    storage: {},
    references: {
      format: "auto",
      parquetThreshold: 100_000,
      inlineThreshold: 500,
      maxChunkBytes: 0,
      concatDims: [],
      identicalDims: [],
      packing: "per-file",
      onError: "warn",
    },
    compute: { resolution: "auto", variables: [], aggregation: "mean" },
    catalog: { license: "other" },
  };
}

type Raw = Record<string, unknown>;

function isObject(v: unknown): v is Raw {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Field-by-field checks; each failure names the field and what was expected. */
class Checker {
  constructor(readonly file: string) {}

  fail(field: string, detail: string): never {
    throw new ProjectConfigError(this.file, field, detail);
  }

  object(v: unknown, field: string): Raw {
    if (v === undefined) return {};
    if (!isObject(v)) this.fail(field, `must be an object, got ${JSON.stringify(v)}`);
    return v;
  }

  string(v: unknown, field: string, fallback?: string): string {
    if (v === undefined && fallback !== undefined) return fallback;
    if (typeof v !== "string" || v === "")
      this.fail(field, `must be a non-empty string, got ${JSON.stringify(v)}`);
    return v;
  }

  optionalString(v: unknown, field: string): string | undefined {
    return v === undefined ? undefined : this.string(v, field);
  }

  strings(v: unknown, field: string, fallback: string[]): string[] {
    if (v === undefined) return fallback;
    if (!Array.isArray(v) || v.some((s) => typeof s !== "string" || s === "")) {
      this.fail(field, `must be a list of non-empty strings, got ${JSON.stringify(v)}`);
    }
    return v as string[];
  }

  integer(v: unknown, field: string, fallback: number, min: number, max: number): number {
    if (v === undefined) return fallback;
    if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) {
      this.fail(field, `must be an integer from ${min} to ${max}, got ${JSON.stringify(v)}`);
    }
    return v;
  }

  boolean(v: unknown, field: string): boolean | undefined {
    if (v === undefined) return undefined;
    if (typeof v !== "boolean") this.fail(field, `must be true or false, got ${JSON.stringify(v)}`);
    return v;
  }

  choice<T extends string>(v: unknown, field: string, choices: readonly T[], fallback: T): T {
    if (v === undefined) return fallback;
    if (!choices.includes(v as T))
      this.fail(field, `must be one of ${choices.join(", ")}, got ${JSON.stringify(v)}`);
    return v as T;
  }

  /** {dim: coordinate value (number or numeric text) | {"index": i}}; undefined when absent. */
  selection(v: unknown, field: string): Record<string, number | string | { index: number }> | undefined {
    if (v === undefined) return undefined;
    const obj = this.object(v, field);
    const out: Record<string, number | string | { index: number }> = {};
    for (const [dim, value] of Object.entries(obj)) {
      const f = `${field}.${dim}`;
      if (typeof value === "number" && Number.isFinite(value)) out[dim] = value;
      else if (typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value)))
        out[dim] = value;
      else if (isObject(value) && Object.keys(value).join() === "index") {
        out[dim] = { index: this.integer(value.index, `${f}.index`, 0, 0, 2 ** 31) };
      } else {
        this.fail(f, `must be a coordinate value (a number) or {"index": i}, got ${JSON.stringify(value)}`);
      }
    }
    return out;
  }

  /** {variable: column name}; undefined when absent. */
  columnNames(v: unknown, field: string): Record<string, string> | undefined {
    if (v === undefined) return undefined;
    const obj = this.object(v, field);
    const out: Record<string, string> = {};
    for (const [variable, name] of Object.entries(obj)) {
      if (typeof name !== "string" || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
        this.fail(
          `${field}.${variable}`,
          `must be a column name of letters, digits and _, got ${JSON.stringify(name)}`,
        );
      out[variable] = name;
    }
    return out;
  }

  noUnknown(obj: Raw, known: readonly string[], prefix: string): void {
    for (const key of Object.keys(obj)) {
      if (!known.includes(key))
        this.fail(prefix ? `${prefix}.${key}` : key, `is not a known setting (known: ${known.join(", ")})`);
    }
  }
}

function dropUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** Validate a parsed project.json; `file` is used in error messages. */
export function validateConfig(raw: unknown, file: string): ProjectConfig {
  const c = new Checker(file);
  const root = c.object(raw, "(root)");
  c.noUnknown(root, ["version", "name", "sources", "storage", "references", "compute", "catalog"], "");
  if (root.version !== undefined && root.version !== 1)
    c.fail("version", `must be 1, got ${JSON.stringify(root.version)}`);
  const name = c.string(root.name, "name");
  if (!PROJECT_NAME.test(name)) c.fail("name", "may hold only letters, digits, '.', '_' and '-'");
  const sources = c.strings(root.sources, "sources", []);
  if (sources.length === 0) c.fail("sources", "must list at least one source URL or glob");

  const storage = c.object(root.storage, "storage");
  c.noUnknown(storage, ["s3", "gcs"], "storage");
  const s3 = c.object(storage.s3, "storage.s3");
  c.noUnknown(s3, ["endpoint", "region", "forcePathStyle", "anonymous"], "storage.s3");
  const gcs = c.object(storage.gcs, "storage.gcs");
  c.noUnknown(gcs, ["apiEndpoint", "projectId", "anonymous"], "storage.gcs");

  const d = defaultConfig(name, sources);
  const refs = c.object(root.references, "references");
  c.noUnknown(refs, Object.keys(d.references), "references");
  const compute = c.object(root.compute, "compute");
  c.noUnknown(
    compute,
    [
      "resolution",
      "variables",
      "aggregation",
      "select",
      "output",
      "timePartition",
      "units",
      "maxRowsPerFile",
      "columns",
      "rollups",
    ],
    "compute",
  );
  const catalog = c.object(root.catalog, "catalog");
  c.noUnknown(catalog, ["title", "description", "license", "datetime"], "catalog");
  const datetime = c.optionalString(catalog.datetime, "catalog.datetime");
  if (
    datetime !== undefined &&
    !/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/.test(datetime)
  )
    c.fail("catalog.datetime", `must be an RFC 3339 date or date-time, got ${JSON.stringify(datetime)}`);

  return {
    version: 1,
    name,
    sources,
    storage: dropUndefined({
      s3:
        storage.s3 === undefined
          ? undefined
          : dropUndefined({
              endpoint: c.optionalString(s3.endpoint, "storage.s3.endpoint"),
              region: c.optionalString(s3.region, "storage.s3.region"),
              forcePathStyle: c.boolean(s3.forcePathStyle, "storage.s3.forcePathStyle"),
              anonymous: c.boolean(s3.anonymous, "storage.s3.anonymous"),
            }),
      gcs:
        storage.gcs === undefined
          ? undefined
          : dropUndefined({
              apiEndpoint: c.optionalString(gcs.apiEndpoint, "storage.gcs.apiEndpoint"),
              projectId: c.optionalString(gcs.projectId, "storage.gcs.projectId"),
              anonymous: c.boolean(gcs.anonymous, "storage.gcs.anonymous"),
            }),
    }),
    references: {
      format: c.choice(
        refs.format,
        "references.format",
        ["auto", "json", "parquet"] as const,
        d.references.format,
      ),
      parquetThreshold: c.integer(
        refs.parquetThreshold,
        "references.parquetThreshold",
        d.references.parquetThreshold,
        1,
        2 ** 40,
      ),
      inlineThreshold: c.integer(
        refs.inlineThreshold,
        "references.inlineThreshold",
        d.references.inlineThreshold,
        0,
        2 ** 30,
      ),
      maxChunkBytes: c.integer(
        refs.maxChunkBytes,
        "references.maxChunkBytes",
        d.references.maxChunkBytes,
        0,
        2 ** 50,
      ),
      concatDims: c.strings(refs.concatDims, "references.concatDims", []),
      identicalDims: c.strings(refs.identicalDims, "references.identicalDims", []),
      packing: c.choice(
        refs.packing,
        "references.packing",
        ["per-file", "refuse"] as const,
        d.references.packing,
      ),
      onError: c.choice(
        refs.onError,
        "references.onError",
        ["raise", "warn", "skip"] as const,
        d.references.onError,
      ),
    },
    compute: dropUndefined({
      resolution:
        compute.resolution === "auto" || compute.resolution === undefined
          ? "auto"
          : c.integer(compute.resolution, "compute.resolution", 5, 0, 15),
      variables: c.strings(compute.variables, "compute.variables", []),
      aggregation: c.choice(
        compute.aggregation,
        "compute.aggregation",
        ["mean", "min", "max", "sum", "count"] as const,
        "mean",
      ),
      select: c.selection(compute.select, "compute.select"),
      output: c.optionalString(compute.output, "compute.output"),
      timePartition:
        compute.timePartition === undefined
          ? undefined
          : c.choice(
              compute.timePartition,
              "compute.timePartition",
              ["auto", "none", "year", "month", "day", "hour"] as const,
              "auto",
            ),
      units:
        compute.units === undefined
          ? undefined
          : c.choice(compute.units, "compute.units", ["partition", "h0"] as const, "partition"),
      maxRowsPerFile:
        compute.maxRowsPerFile === undefined
          ? undefined
          : c.integer(compute.maxRowsPerFile, "compute.maxRowsPerFile", 1, 1, 2 ** 40),
      columns: c.columnNames(compute.columns, "compute.columns"),
      rollups: c.boolean(compute.rollups, "compute.rollups"),
    }),
    catalog: dropUndefined({
      title: c.optionalString(catalog.title, "catalog.title"),
      description: c.optionalString(catalog.description, "catalog.description"),
      license: c.string(catalog.license, "catalog.license", "other"),
      datetime,
    }),
  };
}
