/**
 * Plain descriptions of what a project produced; the compute and pipeline code fills them, the builders turn
 * them into STAC. Hrefs are URLs or paths relative to the catalog folder.
 */
export interface ProjectDescription {
  id: string;
  title?: string;
  description: string;
  /** SPDX identifier or "other". */
  license: string;
  providers?: { name: string; roles?: string[]; url?: string; description?: string }[];
  keywords?: string[];
}

/** A time: one instant, or a span (RFC 3339 strings). */
export type TimeDescription = { datetime: string } | { start: string; end: string };

export interface VariableStatistics {
  min: number;
  max: number;
  mean: number;
  unit?: string;
}

/** One H3 Parquet partition file (a hive partition of the project's H3 table). */
export interface PartitionDescription {
  /** Where the Parquet file is (URL, or path relative to the catalog folder). */
  href: string;
  /** Stable item id; default: derived from href. */
  id?: string;
  /** Resolution of the table's cell column. */
  h3Resolution: number;
  /** Cells (hex) that have rows in this partition, any resolution; they are compacted for the item (and
   * coarsened above a budget). */
  cells: string[];
  /** The cells given are already a coarsened (larger) coverage of the data. */
  cellsCoarsened?: boolean;
  time: TimeDescription;
  /** Per variable (CF-decoded) statistics over the partition's rows. */
  variables: Record<string, VariableStatistics>;
  columns: { name: string; type: string; description?: string }[];
  rowCount: number;
  /** File size in bytes. */
  size: number;
  /** SHA-256 of the file as hex (stored as a multihash, as the file extension wants). */
  sha256: string;
  /** Its rollup (per-cell count, sum, min, max by day and over the file), an asset with role "rollup". */
  rollup?: { href: string; size: number; sha256: string };
}

/** One reference set (kerchunk JSON file or kerchunk Parquet folder). */
export interface ReferenceSetDescription {
  href: string;
  id?: string;
  format: "json" | "parquet";
  /** Footprint of the referenced data: a bbox [w, s, e, n] in degrees. */
  bbox: [number, number, number, number];
  time: TimeDescription;
  /** Variables (Zarr arrays) the set exposes. */
  variables: string[];
  /** fsspec protocol of the referenced files ("s3", "gcs", "https", "file") and its options. */
  remoteProtocol: string;
  remoteOptions?: Record<string, unknown>;
  size?: number;
  sha256?: string;
  /** Free-form properties added to the item (for instance source file count). */
  extra?: Record<string, string | number | boolean>;
  /** H3 cells (hex) the referenced grid covers, when known (from the H3 table computed from it), so H3 searches
   * find the reference set too; compacted for the item's `h3:cells`. */
  h3?: { resolution: number; cells: string[] };
}
