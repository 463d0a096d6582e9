import "../../refs/store/index.js";
import { type ByteSource, SourceChangedError } from "../../refs/storage/index.js";
import { joinPath } from "../project/workdir-io.js";
import type { Workspace } from "../project/workspace.js";
import { readJson, writeJsonAtomic } from "../project/workspace.js";
import type { PhaseStatus } from "../status/phase-status.js";
import {
  formatReport,
  referencedUrls,
  type ValidateOptions,
  type ValidationReport,
  validateReferences,
} from "../validate/index.js";
import { sourceOpener } from "./open-sources.js";
import { loadReferences, recordedSources } from "./references.js";
import { runPhase } from "./run-phase.js";
import { storageOptions } from "./storage-options.js";

export interface ValidatePhaseOptions {
  /** Source files to compare: first, last and random others (default 3). */
  files?: number;
  seed?: number;
  /** Validate again even when the references have not changed since the last validation. */
  force?: boolean;
  quiet?: boolean;
  log?: (line: string) => void;
}

/**
 * Read the combined references back and compare with the sources read by independent readers; the report is
 * kept beside the references, and a rerun over unchanged references reuses it.
 */
export async function validatePhase(
  ws: Workspace,
  options: ValidatePhaseOptions = {},
): Promise<{ status: PhaseStatus; report: ValidationReport }> {
  const config = await ws.loadConfig();
  const log = options.log ?? ((line: string) => options.quiet || console.error(line));
  const reportPath = joinPath(ws.referencesDir, "validation.json");
  let report: ValidationReport | undefined;
  let reused = false;
  const status = await runPhase(ws, "validate", async () => {
    const { refs, summary } = await loadReferences(ws);
    const key = `${summary.path}:${(summary as { inputsHash?: string }).inputsHash ?? ""}:${options.files ?? 3}:${options.seed ?? 1}`;
    const previous = await readJson<{ key: string; report: ValidationReport }>(reportPath);
    const open = sourceOpener(storageOptions(config), recordedSources(summary));
    // a kept report holds only while the files it compared are still the versions the references were made from
    const changed = previous?.key === key ? await firstChanged(previous.report.files, open) : undefined;
    if (changed) log(`validate: ${changed}; validating again`);
    if (previous?.key === key && !options.force && !changed) {
      report = previous.report;
      reused = true;
      log("validate: references unchanged since the last validation; report kept");
    } else {
      // Every combined file has a region, also one whose chunks were all inlined (no chunk names its URL).
      const regions = (summary as { regions?: ValidateOptions["regions"] }).regions;
      report = await validateReferences(refs, {
        open,
        sources: regions ? Object.keys(regions) : referencedUrls(refs),
        regions,
        files: options.files ?? 3,
        seed: options.seed ?? 1,
      });
      await writeJsonAtomic(reportPath, { key, report });
      log(formatReport(report));
    }
    const failures = [...report.metadata, ...report.variables]
      .filter((f) => f.status === "failure")
      .map((f) => ({ item: `${f.subject}${f.file ? ` [${f.file}]` : ""}`, reason: f.detail }));
    const s = report.summary;
    return {
      counts: {
        total: s.success + s.warning + s.failure,
        done: s.success + s.warning,
        skipped: 0,
        failed: s.failure,
      },
      failures,
      // "reused": the references are unchanged since the kept report, so nothing was read again
      details: { files: report.files.length, warnings: s.warning, report: reused ? "reused" : "new" },
    };
  });
  return { status, report: report as ValidationReport };
}

/** The message of the first of `files` whose source changed since its scan, if any (one check per file). */
async function firstChanged(files: string[], open: (url: string) => ByteSource): Promise<string | undefined> {
  for (const url of files) {
    try {
      await open(url).size();
    } catch (error) {
      if (error instanceof SourceChangedError) return error.message;
    }
  }
  return undefined;
}
