import { relative } from "node:path";
import { cellToBoundary } from "h3-js";
import type {
  PartitionDescription,
  ReferenceSetDescription,
  TimeDescription,
} from "../../../catalog-api/index.js";
import type { OutputStore, UnitRecord } from "../../../compute/index.js";
import type { ProjectConfig } from "../../project/config.js";
import type { CombineOutcome } from "../scan/combine-step.js";
import { describeParquet } from "./describe-parquet.js";

type Bbox = [number, number, number, number];

function timeOf(range: [string, string] | undefined, fallback: string): TimeDescription {
  if (!range) return { datetime: fallback };
  return range[0] === range[1] ? { datetime: range[0] } : { start: range[0], end: range[1] };
}

/** An href for a file as seen from the static catalog folder: relative for local files, else the URL. */
function hrefFrom(catalogDir: string, target: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(target) ? target : relative(catalogDir, target);
}

/**
 * One partition item per H3 Parquet file that compute recorded. A record written by this version describes each
 * file (rows, time range, value statistics, H3 coverage), so the file is not read: thousands of files a second.
 * Files of older records are read and described from their contents. `datetime` stands for files without time.
 */
export async function partitionDescriptions(
  output: OutputStore,
  records: Iterable<UnitRecord>,
  resolution: number,
  catalogDir: string,
  onFile?: (bytes: number) => void,
  datetime?: string,
): Promise<PartitionDescription[]> {
  const out: PartitionDescription[] = [];
  for (const record of records) {
    for (const file of record.files) {
      const href = hrefFrom(catalogDir, `${output.root.replace(/\/+$/, "")}/${file.path}`);
      const id = file.path.replace(/\.parquet$/, "").replace(/[^A-Za-z0-9_-]+/g, "-");
      const fallback = datetime ?? record.finishedAt;
      if (file.coverage && file.stats && record.schema) {
        onFile?.(file.bytes);
        if (file.rows === 0) continue;
        out.push({
          href,
          id,
          h3Resolution: resolution,
          cells: file.coverage,
          ...(file.coverageCoarsened ? { cellsCoarsened: true } : {}),
          time: timeOf(file.time, fallback),
          variables: Object.fromEntries(
            Object.entries(file.stats)
              .filter(([, s]) => s.count > 0 && s.min !== null && s.max !== null)
              .map(([name, s]) => [
                name,
                { min: s.min as number, max: s.max as number, mean: s.sum / s.count },
              ]),
          ),
          columns: record.schema,
          rowCount: file.rows,
          size: file.bytes,
          sha256: file.sha256,
          ...(file.rollup
            ? {
                rollup: {
                  href: hrefFrom(catalogDir, `${output.root.replace(/\/+$/, "")}/${file.rollup.path}`),
                  size: file.rollup.bytes,
                  sha256: file.rollup.sha256,
                },
              }
            : {}),
        });
        continue;
      }
      const bytes = await output.read(file.path);
      onFile?.(bytes?.length ?? 0);
      if (!bytes) continue; // recorded but gone: the next compute run redoes the unit
      const d = await describeParquet(bytes);
      if (d.rows === 0) continue;
      out.push({
        href,
        id,
        h3Resolution: resolution,
        cells: d.cells,
        time: timeOf(d.time, fallback),
        variables: d.stats,
        columns: d.columns,
        rowCount: d.rows,
        size: file.bytes,
        sha256: file.sha256,
      });
    }
  }
  return out;
}

/** Bounding box of cells from their vertices (cheap next to outlining them; cells across the antimeridian
 * widen it to the whole longitude range). */
function cellsBbox(cells: readonly string[]): Bbox {
  const box: Bbox = [180, 90, -180, -90];
  let crossesAntimeridian = false;
  for (const cell of cells) {
    const vertices = cellToBoundary(cell, true) as [number, number][];
    const lngs = vertices.map((v) => v[0]);
    if (Math.max(...lngs) - Math.min(...lngs) > 180) crossesAntimeridian = true;
    for (const [lng, lat] of vertices) {
      box[0] = Math.min(box[0], lng);
      box[1] = Math.min(box[1], lat);
      box[2] = Math.max(box[2], lng);
      box[3] = Math.max(box[3], lat);
    }
  }
  return crossesAntimeridian ? [-180, box[1], 180, box[3]] : box;
}

/**
 * What the reference set item says of the partitions, gathered batch by batch (the partitions are never all
 * held): the union of their boxes, their time span, and the grid's H3 coverage (every cell any partition has
 * rows in; partitions of other times repeat them, so this is bounded by the grid, not by the files).
 */
export class PartitionFootprint {
  private readonly box: Bbox = [180, 90, -180, -90];
  private parts = 0;
  private first: string | undefined;
  private last: string | undefined;
  readonly cells = new Set<string>();

  add(parts: PartitionDescription[]): void {
    for (const p of parts) {
      const b = cellsBbox(p.cells);
      this.parts++;
      this.box[0] = Math.min(this.box[0], b[0]);
      this.box[1] = Math.min(this.box[1], b[1]);
      this.box[2] = Math.max(this.box[2], b[2]);
      this.box[3] = Math.max(this.box[3], b[3]);
      for (const t of "datetime" in p.time ? [p.time.datetime] : [p.time.start, p.time.end]) {
        if (this.first === undefined || t < this.first) this.first = t;
        if (this.last === undefined || t > this.last) this.last = t;
      }
      for (const c of p.cells) this.cells.add(c);
    }
  }

  get empty(): boolean {
    return this.parts === 0;
  }

  bbox(): Bbox {
    return this.parts ? [...this.box] : [-180, -90, 180, 90];
  }

  time(fallback: string): TimeDescription {
    if (this.first === undefined || this.last === undefined) return { datetime: fallback };
    return timeOf([this.first, this.last], fallback);
  }
}

/** The reference set item: footprint and time from what compute produced, open parameters for xarray. */
export function referenceDescription(
  config: ProjectConfig,
  summary: CombineOutcome,
  variables: string[],
  parts: PartitionFootprint,
  catalogDir: string,
  resolution: number,
): ReferenceSetDescription {
  const first = config.sources[0] ?? "";
  const protocol = /^([a-z0-9]+):\/\//.exec(first)?.[1] ?? "file";
  const fsspecProtocol = protocol === "gs" ? "gcs" : protocol;
  const s3 = config.storage.s3;
  return {
    href: hrefFrom(catalogDir, summary.path),
    id: `${config.name}-references`,
    format: summary.format,
    bbox: parts.bbox(),
    time: parts.time(new Date().toISOString()),
    variables,
    remoteProtocol: fsspecProtocol,
    ...(fsspecProtocol === "s3" && s3
      ? {
          remoteOptions: {
            ...(s3.anonymous ? { anon: true } : {}),
            ...(s3.endpoint ? { client_kwargs: { endpoint_url: s3.endpoint } } : {}),
          },
        }
      : {}),
    extra: { "refs:files": summary.files, "refs:concat_dims": summary.concatDims.join(",") },
    ...(parts.empty ? {} : { h3: { resolution, cells: [...parts.cells] } }),
  };
}
