/**
 * Completion records: `_units/<unit id>.json`, written after all of a unit's files. A unit with a record (under
 * the same config hash) is done and skipped on rerun; a unit without one is redone, overwriting its
 * deterministically named files, so a killed run resumes with nothing lost or duplicated.
 */
import type { OutputStore } from "../io/output.js";

export const RECORDS_PREFIX = "_units";

export interface ValueStats {
  count: number;
  min: number | null;
  max: number | null;
  sum: number;
}

export interface UnitFile {
  path: string;
  rows: number;
  bytes: number;
  sha256: string;
  /** Distinct cells in the file. */
  cells?: number;
  /** Its H3 coverage for the catalog: compacted cells, coarsened past a budget (then coverageCoarsened). */
  coverage?: string[];
  coverageCoarsened?: boolean;
  /** [min, max] of the time column (ISO 8601). */
  time?: [string, string];
  /** Per value column, over the file's rows. */
  stats?: Record<string, ValueStats>;
  /** Its rollup file beside it (compute/rollups), for files with time. */
  rollup?: { path: string; bytes: number; sha256: string };
}

export interface UnitRecord {
  unit: string;
  configHash: string;
  rows: number;
  /** Source values read (pixels x time steps x variables), for throughput. */
  values: number;
  /** Why the unit produced no rows: "all-fill" (every value missing) or "no-cells" (no cell owned). */
  skipped?: "all-fill" | "no-cells";
  files: UnitFile[];
  stats: Record<string, ValueStats>;
  /** Column -> its variable and extra-dimension elements (levels, bands), when variables have extra dimensions. */
  columns?: Record<string, { variable: string; dims: Record<string, { index: number; value: number }> }>;
  /** Time range [min, max] in ISO 8601, when the data has time. */
  time?: [string, string];
  /** The time steps the unit covered ("start-stop" per window): a window that grew (appended data) is redone. */
  span?: string;
  /** H3 resolution of the cell column. */
  resolution?: number;
  /** Columns and types of the unit's files, as the catalog describes them. */
  schema?: { name: string; type: string }[];
  finishedAt: string;
}

export function recordPath(unitId: string): string {
  return `${RECORDS_PREFIX}/${unitId}.json`;
}

export async function readRecord(output: OutputStore, unitId: string): Promise<UnitRecord | undefined> {
  const bytes = await output.read(recordPath(unitId));
  if (!bytes) return undefined;
  try {
    return JSON.parse(new TextDecoder().decode(bytes)) as UnitRecord;
  } catch {
    return undefined; // a torn record counts as not done
  }
}

export async function writeRecord(output: OutputStore, record: UnitRecord): Promise<void> {
  await output.write(
    recordPath(record.unit),
    new TextEncoder().encode(`${JSON.stringify(record, null, 1)}\n`),
  );
}

/** Ids of every unit with a record, in listing order. */
export async function recordIds(output: OutputStore): Promise<string[]> {
  return (await output.list(RECORDS_PREFIX))
    .filter((path) => path.endsWith(".json"))
    .map((path) => path.slice(RECORDS_PREFIX.length + 1, -".json".length));
}

/**
 * The records of `ids` in batches of `size` (torn or gone ones left out), read 32 at a time: a caller going
 * through thousands of records holds one batch of them at once.
 */
export async function* recordBatches(
  output: OutputStore,
  ids: string[],
  size = 256,
): AsyncGenerator<UnitRecord[]> {
  for (let at = 0; at < ids.length; at += size) {
    const batch = ids.slice(at, at + size);
    const records = new Array<UnitRecord | undefined>(batch.length);
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < batch.length; i = next++)
        records[i] = await readRecord(output, batch[i] as string);
    };
    await Promise.all(Array.from({ length: Math.min(32, batch.length) }, worker));
    yield records.filter((r): r is UnitRecord => r !== undefined);
  }
}

/** All records present, by unit id (read 32 at a time: thousands of small objects on a disk or a bucket). */
export async function readAllRecords(output: OutputStore): Promise<Map<string, UnitRecord>> {
  const ids = await recordIds(output);
  const records = new Array<UnitRecord | undefined>(ids.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < ids.length; i = next++) records[i] = await readRecord(output, ids[i] as string);
  };
  await Promise.all(Array.from({ length: Math.min(32, ids.length) }, worker));
  const out = new Map<string, UnitRecord>();
  ids.forEach((id, i) => {
    const r = records[i];
    if (r) out.set(id, r);
  });
  return out;
}
