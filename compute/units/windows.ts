/**
 * Time windows: the time part of a hive partition (`year=2022`, `month=2022-01`, `date=2022-01-31`,
 * `hour=2022-01-31T05`), and the default window chosen from the data's time step so that a partition holds about
 * TARGET_ROWS rows (files of tens to hundreds of MB), never more than the coarsest window that stays under it.
 */
import { ComputeError } from "../errors.js";

export type TimeWindow = "none" | "year" | "month" | "day" | "hour";

/** A run of time steps [start, stop) sharing one window. */
export interface Window {
  /** Hive directory of the window ("month=2022-01"), "" for none. */
  dir: string;
  /** The window's value ("2022-01"), "" for none. */
  value: string;
  start: number;
  stop: number;
}

/** Rows a partition aims at: about 50-150 MB of ZSTD Parquet at 3-8 bytes a row. */
export const TARGET_ROWS = 16_000_000;

/** Hive key and value of the window holding `ms`, e.g. ["date", "2022-01-31"]. */
export function windowOf(ms: number, window: TimeWindow): [string, string] | undefined {
  if (window === "none") return undefined;
  const iso = new Date(ms).toISOString();
  if (window === "year") return ["year", iso.slice(0, 4)];
  if (window === "month") return ["month", iso.slice(0, 7)];
  if (window === "day") return ["date", iso.slice(0, 10)];
  return ["hour", iso.slice(0, 13)];
}

/** The windows of a time axis (ascending) in order; one window of every step without time or for "none". */
export function timeWindows(timesMs: Float64Array | undefined, window: TimeWindow): Window[] {
  if (!timesMs) return [{ dir: "", value: "", start: 0, stop: 1 }];
  if (window === "none" || timesMs.length === 0)
    return [{ dir: "", value: "", start: 0, stop: timesMs.length }];
  const out: Window[] = [];
  const seen = new Set<string>();
  for (let t = 0; t < timesMs.length; t++) {
    const [key, value] = windowOf(timesMs[t] as number, window) as [string, string];
    const last = out.at(-1);
    if (last && last.value === value) {
      last.stop = t + 1;
      continue;
    }
    if (seen.has(value)) {
      throw new ComputeError(
        `time steps are not in order: ${new Date(timesMs[t] as number).toISOString()} (step ${t}) falls in ${key}=${value} again after a later window`,
      );
    }
    seen.add(value);
    out.push({ dir: `${key}=${value}`, value, start: t, stop: t + 1 });
  }
  return out;
}

const MS = { hour: 3_600_000, day: 86_400_000, month: 2_629_746_000, year: 31_556_952_000 };

/**
 * The default window: the coarsest of year, month, day, hour whose partitions hold at most TARGET_ROWS rows,
 * given the rows one time step gives one h0 cell; "hour" when even an hour passes it (files then split by size).
 */
export function chooseWindow(
  timesMs: Float64Array | undefined,
  rowsPerStepPerH0: number,
): { window: TimeWindow; reason: string } {
  if (!timesMs || timesMs.length === 0) return { window: "none", reason: "the data has no time" };
  const stepMs = typicalStep(timesMs);
  const perStep = Math.max(1, Math.round(rowsPerStepPerH0));
  for (const window of ["year", "month", "day", "hour"] as const) {
    const steps = Math.max(1, Math.round(MS[window] / stepMs)); // not capped by the data: appending keeps it
    const rows = steps * perStep;
    if (rows <= TARGET_ROWS || window === "hour") {
      return {
        window,
        reason: `about ${perStep.toLocaleString("en-US")} rows per h0 cell and time step of ${describeMs(stepMs)}: a ${window} gives about ${rows.toLocaleString("en-US")} rows per file (aim: at most ${TARGET_ROWS.toLocaleString("en-US")})`,
      };
    }
  }
  return { window: "hour", reason: "" };
}

function typicalStep(timesMs: Float64Array): number {
  if (timesMs.length < 2) return MS.day;
  const steps: number[] = [];
  for (let t = 1; t < Math.min(timesMs.length, 1000); t++)
    steps.push((timesMs[t] as number) - (timesMs[t - 1] as number));
  steps.sort((a, b) => a - b);
  return Math.max(1, steps[steps.length >> 1] as number);
}

function describeMs(ms: number): string {
  if (ms % MS.day === 0) return `${ms / MS.day} day(s)`;
  if (ms % MS.hour === 0) return `${ms / MS.hour} hour(s)`;
  return `${Math.round(ms / 1000)} s`;
}
