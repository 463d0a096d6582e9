import { createHash } from "node:crypto";
import {
  appendReferenceSets,
  CombineError,
  combineReferenceSets,
  detectConcatDim,
  type ReadCoordinate,
} from "../../../refs/combine/index.js";
import { writeKerchunkJson, writeKerchunkParquet } from "../../../refs/formats/index.js";
import type { ReferenceSet } from "../../../refs/model/index.js";
import type { SourceIdentity, StorageOptions } from "../../../refs/storage/index.js";
import { readArray } from "../../../refs/store/index.js";
import type { ProjectConfig } from "../../project/config.js";
import { joinPath, removeTree, writeBytes } from "../../project/workdir-io.js";
import { readJson, type Workspace, writeJsonAtomic } from "../../project/workspace.js";
import { sourceOpener } from "../open-sources.js";
import { loadReferences } from "../references.js";
import { type CombinedInput, checkAppendedAtEnd, combinedInputs, planAppend } from "./append-plan.js";
import type { FileResults, FileScanSummary } from "./file-results.js";
import { identitiesOf } from "./source-identity.js";

export interface CombineOutcome {
  path: string;
  format: "json" | "parquet";
  files: number;
  concatDims: string[];
  /** True when the inputs had not changed and the existing combined set was kept. */
  reused: boolean;
  /**
   * How the set was made: "append" added new files to the previous combined set (the earlier files' references
   * were not loaded), "full" combined every file.
   */
  mode: "full" | "append";
  /** Files added by an append. */
  appended?: number;
  /** Why a full combine was needed, when there was an earlier combined set. */
  fullReason?: string;
  /** Variables whose files pack them differently: carried per file as <var>_scale_factor/<var>_add_offset. */
  perFilePacking?: string[];
  /** Arrays besides the concat coordinates whose CF times were re-encoded (time bounds and the like). */
  reencoded?: string[];
}

interface CombineSummary extends CombineOutcome {
  inputsHash: string;
  /** Hash of the settings that shape the combined set: an append needs the same. */
  settingsHash?: string;
  /** The files combined, in order, to recognise a rerun that only adds files at the end. */
  inputs?: CombinedInput[];
  /** Per source file, its [start, stop) along each concat dimension (refs validate compares by it). */
  regions?: Regions;
  /**
   * Per source file, the version its references were made from (size, ETag / generation / mtime): compute and
   * validate check each source against it before reading through the references. Kept here, beside the
   * references, rather than inside them: kerchunk JSON and Parquet have no place for it that fsspec would keep.
   */
  sources?: Record<string, SourceIdentity>;
  writtenAt: string;
}

type Regions = Record<string, Record<string, [number, number]>>;

function settingsHash(config: ProjectConfig, format: string): string {
  return createHash("sha256")
    .update(JSON.stringify({ refs: config.references, format }))
    .digest("hex");
}

function inputsHash(config: ProjectConfig, records: readonly FileScanSummary[], format: string): string {
  const h = createHash("sha256");
  h.update(JSON.stringify({ refs: config.references, format }));
  for (const r of records)
    h.update(`${r.url}\n${r.size}\n${r.scannedAt}\n${JSON.stringify(r.identity ?? {})}\n`);
  return h.digest("hex");
}

/** Combine the scanned files into one reference set and write it, unless nothing changed since the last run. */
export async function combineAndWrite(
  ws: Workspace,
  config: ProjectConfig,
  records: readonly FileScanSummary[],
  format: "json" | "parquet",
  results: FileResults,
  storage: StorageOptions,
): Promise<CombineOutcome> {
  const summaryPath = joinPath(ws.referencesDir, "summary.json");
  const hash = inputsHash(config, records, format);
  const previous = await readJson<CombineSummary>(summaryPath);
  if (previous?.inputsHash === hash) return { ...previous, reused: true, mode: previous.mode ?? "full" };

  const settings = settingsHash(config, format);
  // one source per URL, merged once by the reference store (see sourceOpener)
  const open = sourceOpener(storage);
  const readCoordinate: ReadCoordinate = async (_url, refs, arrayPath) =>
    (await readArray(refs, arrayPath, { open })).data as ArrayLike<unknown>;
  const plan = planAppend(previous, settings, records);
  let made: Made | undefined;
  let fullReason = plan.mode === "full" ? plan.reason : undefined;
  if (plan.mode === "append" && previous) {
    try {
      made = await appendToPrevious(ws, previous, plan.added, config, results, readCoordinate);
    } catch (error) {
      // e.g. the new files' times fall inside the combined range: combining everything decides.
      if (!(error instanceof CombineError)) throw error;
      fullReason = `append failed: ${error.message}`;
    }
  }
  made ??= await combineAll(config, records, results, readCoordinate);
  const { combined, concatDims, regions, perFilePacking, reencoded } = made;
  const path = joinPath(ws.referencesDir, format === "json" ? "refs.json" : "refs.parquet");
  await removeTree(path);
  // the references first, summary.json last: a reader finds no summary, or one whose references are whole
  if (format === "json") await writeBytes(path, writeKerchunkJson(combined));
  else
    await writeKerchunkParquet(combined, { write: (rel, bytes) => writeBytes(joinPath(path, rel), bytes) });
  const outcome: CombineOutcome = {
    path,
    format,
    files: records.length,
    concatDims,
    reused: false,
    ...(perFilePacking?.length ? { perFilePacking } : {}),
    ...(reencoded?.length ? { reencoded } : {}),
    ...(plan.mode === "append" && fullReason === undefined
      ? { mode: "append", appended: plan.added.length }
      : { mode: "full", ...(previous && fullReason ? { fullReason } : {}) }),
  };
  await writeJsonAtomic(summaryPath, {
    ...outcome,
    inputsHash: hash,
    settingsHash: settings,
    inputs: combinedInputs(records),
    ...(regions ? { regions } : {}),
    sources: identitiesOf(records),
    writtenAt: new Date().toISOString(),
  });
  return outcome;
}

interface Made {
  combined: ReferenceSet;
  concatDims: string[];
  /** Absent for a single file: it is the whole of every array. */
  regions?: Regions;
  perFilePacking?: string[];
  reencoded?: string[];
}

/** Every file's references combined (each per-file set is loaded). */
async function combineAll(
  config: ProjectConfig,
  records: readonly FileScanSummary[],
  results: FileResults,
  readCoordinate: ReadCoordinate,
): Promise<Made> {
  const inputs: { url: string; refs: ReferenceSet }[] = [];
  for (const r of records) inputs.push({ url: r.url, refs: await results.references(r.url) });
  let concatDims = config.references.concatDims;
  if (inputs.length === 1) return { combined: (inputs[0] as { refs: ReferenceSet }).refs, concatDims };
  if (concatDims.length === 0) concatDims = [await detectConcatDim(inputs, { readCoordinate })];
  const identicalDims = config.references.identicalDims;
  const packing = config.references.packing;
  const result = await combineReferenceSets(inputs, { concatDims, identicalDims, packing, readCoordinate });
  return {
    combined: result.refs,
    concatDims,
    regions: result.regions,
    perFilePacking: Object.keys(result.packing),
    reencoded: result.reencoded,
  };
}

/** The previous combined set, read back from references/, with only the added files' references loaded. */
async function appendToPrevious(
  ws: Workspace,
  previous: CombineSummary,
  added: readonly FileScanSummary[],
  config: ProjectConfig,
  results: FileResults,
  readCoordinate: ReadCoordinate,
): Promise<Made> {
  const existing = (await loadReferences(ws)).refs;
  const inputs: { url: string; refs: ReferenceSet }[] = [];
  for (const r of added) inputs.push({ url: r.url, refs: await results.references(r.url) });
  const concatDims = previous.concatDims;
  const identicalDims = config.references.identicalDims;
  const result = await appendReferenceSets(existing, inputs, {
    concatDims,
    identicalDims,
    packing: config.references.packing,
    readCoordinate,
    existingName: previous.path,
  });
  // New times before the combined ones would move the earlier files: a full combine places them instead.
  await checkAppendedAtEnd(existing, result.refs, concatDims, readCoordinate);
  // The earlier files keep their places: an append only adds at the end.
  const regions: Regions = { ...previous.regions };
  for (const input of inputs) regions[input.url] = result.regions[input.url] as Regions[string];
  return {
    combined: result.refs,
    concatDims,
    ...(previous.regions ? { regions } : {}),
    perFilePacking: Object.keys(result.packing),
    reencoded: result.reencoded,
  };
}
