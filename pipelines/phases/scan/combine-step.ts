import { createHash } from "node:crypto";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { combineReferenceSets, detectConcatDim } from "../../../refs/combine/index.js";
import { writeKerchunkJson } from "../../../refs/formats/kerchunk-json.js";
import { writeKerchunkParquet } from "../../../refs/formats/kerchunk-parquet/index.js";
import type { ReferenceSet } from "../../../refs/model/reference-set.js";
import type { StorageOptions } from "../../../refs/storage/index.js";
import { openWithDefaults, writeObject } from "../../../refs/storage/registry.js";
import { readArray } from "../../../refs/store/read-array.js";
import type { ProjectConfig } from "../../project/config.js";
import { readJson, type Workspace, writeJsonAtomic } from "../../project/workspace.js";
import type { FileResults, FileScanSummary } from "./file-results.js";

export interface CombineOutcome {
  path: string;
  format: "json" | "parquet";
  files: number;
  concatDims: string[];
  /** True when the inputs had not changed and the existing combined set was kept. */
  reused: boolean;
}

interface CombineSummary extends CombineOutcome {
  inputsHash: string;
  writtenAt: string;
}

function inputsHash(config: ProjectConfig, records: readonly FileScanSummary[], format: string): string {
  const h = createHash("sha256");
  h.update(JSON.stringify({ refs: config.references, format }));
  for (const r of records) h.update(`${r.url}\n${r.size}\n${r.scannedAt}\n`);
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
  const summaryPath = join(ws.referencesDir, "summary.json");
  const hash = inputsHash(config, records, format);
  const previous = await readJson<CombineSummary>(summaryPath);
  if (previous?.inputsHash === hash) return { ...previous, reused: true };

  const inputs: { url: string; refs: ReferenceSet }[] = [];
  for (const r of records) inputs.push({ url: r.url, refs: await results.references(r.url) });
  let concatDims = config.references.concatDims;
  let combined: ReferenceSet;
  if (inputs.length === 1) {
    combined = (inputs[0] as { refs: ReferenceSet }).refs;
  } else {
    const readCoordinate = async (_url: string, refs: ReferenceSet, arrayPath: string) =>
      (await readArray(refs, arrayPath, { open: (u) => openWithDefaults(u, storage) }))
        .data as ArrayLike<unknown>;
    if (concatDims.length === 0) concatDims = [await detectConcatDim(inputs, { readCoordinate })];
    const identicalDims = config.references.identicalDims;
    combined = (await combineReferenceSets(inputs, { concatDims, identicalDims, readCoordinate })).refs;
  }
  await mkdir(ws.referencesDir, { recursive: true });
  const path = join(ws.referencesDir, format === "json" ? "refs.json" : "refs.parquet");
  await rm(path, { recursive: true, force: true });
  if (format === "json") await writeFile(path, writeKerchunkJson(combined));
  else await writeKerchunkParquet(combined, { write: (rel, bytes) => writeObject(join(path, rel), bytes) });
  const outcome: CombineOutcome = { path, format, files: inputs.length, concatDims, reused: false };
  await writeJsonAtomic(summaryPath, { ...outcome, inputsHash: hash, writtenAt: new Date().toISOString() });
  return outcome;
}
