/**
 * Whether a rescan can append to the combined set it left behind instead of combining every file again: only
 * when the files combined last time are, unchanged and in the same order, the start of this run's files, and the
 * settings that shape the combined set are the same. Anything else (a file changed, removed or inserted before
 * the end, other settings) needs a full combine; the reason is kept for the summary and the log.
 */
import { CombineError, type ReadCoordinate } from "../../../refs/combine/index.js";
import type { ReferenceSet } from "../../../refs/model/index.js";
import type { FileScanSummary } from "./file-results.js";

/** What identifies one combined file: a rescan that changes it gets a new scannedAt. */
export interface CombinedInput {
  url: string;
  size: number;
  scannedAt: string;
}

export type AppendPlan = { mode: "append"; added: FileScanSummary[] } | { mode: "full"; reason: string };

export function combinedInputs(records: readonly FileScanSummary[]): CombinedInput[] {
  return records.map((r) => ({ url: r.url, size: r.size, scannedAt: r.scannedAt }));
}

function sameInput(a: CombinedInput, b: CombinedInput): boolean {
  return a.url === b.url && a.size === b.size && a.scannedAt === b.scannedAt;
}

export function planAppend(
  previous: { settingsHash?: string; inputs?: CombinedInput[]; concatDims: string[] } | undefined,
  settingsHash: string,
  records: readonly FileScanSummary[],
): AppendPlan {
  if (!previous) return { mode: "full", reason: "no combined set yet" };
  if (!previous.inputs || previous.settingsHash === undefined)
    return { mode: "full", reason: "the combined set records no inputs" };
  if (previous.settingsHash !== settingsHash)
    return { mode: "full", reason: "reference settings or format changed" };
  if (previous.concatDims.length === 0)
    return { mode: "full", reason: "the combined set has no concat dimension" };
  const old = previous.inputs;
  if (old.length > records.length)
    return { mode: "full", reason: `${old.length - records.length} file(s) removed` };
  for (let i = 0; i < old.length; i++) {
    const was = old[i] as CombinedInput;
    const now = records[i] as FileScanSummary;
    if (sameInput(was, now)) continue;
    if (was.url !== now.url) {
      const removed = !records.some((r) => r.url === was.url);
      return {
        mode: "full",
        reason: removed ? `${was.url} was removed` : `${now.url} sorts before files already combined`,
      };
    }
    return { mode: "full", reason: `${now.url} changed since it was combined` };
  }
  if (old.length === records.length) return { mode: "full", reason: "no new files" };
  return { mode: "append", added: records.slice(old.length) };
}

/** New files whose concat values fall before the end of the combined set: only a full combine places them. */
export class AppendNotAtEndError extends CombineError {
  override name = "AppendNotAtEndError";
  constructor(
    readonly dim: string,
    readonly index: number,
  ) {
    super(`new files' "${dim}" values come before the end of the combined set (at index ${index})`);
  }
}

/**
 * An append keeps the earlier files where they were only if the combined coordinate starts with the existing
 * one; otherwise (new times before the last combined one) positions recorded for the earlier files would move.
 */
export async function checkAppendedAtEnd(
  existing: ReferenceSet,
  combined: ReferenceSet,
  concatDims: readonly string[],
  readCoordinate: ReadCoordinate,
): Promise<void> {
  for (const dim of concatDims) {
    const before = await readCoordinate("existing combined set", existing, dim);
    const after = await readCoordinate("combined set", combined, dim);
    for (let i = 0; i < before.length; i++) {
      const a = before[i];
      const b = after[i];
      if (a !== b && !(Number.isNaN(a) && Number.isNaN(b))) throw new AppendNotAtEndError(dim, i);
    }
  }
}
