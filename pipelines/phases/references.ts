import { basename } from "node:path";
import { RefsError } from "../../refs/errors.js";
import { readKerchunkJson, readKerchunkParquet } from "../../refs/formats/index.js";
import type { ReferenceSet } from "../../refs/model/index.js";
import type { SourceIdentity } from "../../refs/storage/index.js";
import { joinPath, readBytes, readText } from "../project/workdir-io.js";
import { readJson, type Workspace } from "../project/workspace.js";
import type { CombineOutcome } from "./scan/combine-step.js";

/** A phase needs the combined references, and `refs scan` has not made them. */
export class ReferencesMissingError extends RefsError {
  override name = "ReferencesMissingError";
  constructor(readonly project: string) {
    super(`project ${project} has no combined references yet: run \`refs scan ${project}\` first`);
  }
}

/** Each source's version as the scan recorded it (empty for references made before scans recorded them). */
export function recordedSources(summary: CombineOutcome): Record<string, SourceIdentity> {
  return (summary as { sources?: Record<string, SourceIdentity> }).sources ?? {};
}

export async function referencesSummary(ws: Workspace): Promise<CombineOutcome> {
  const summary = await readJson<CombineOutcome>(joinPath(ws.referencesDir, "summary.json"));
  if (!summary) throw new ReferencesMissingError(ws.name);
  return summary;
}

/** The project's combined reference set, from kerchunk JSON or a kerchunk Parquet folder. */
export async function loadReferences(
  ws: Workspace,
): Promise<{ refs: ReferenceSet; summary: CombineOutcome }> {
  const recorded = await referencesSummary(ws);
  // Found beside summary.json, not at the recorded absolute path: the workdir may be mounted elsewhere since
  // (a Kubernetes volume, a copied folder).
  const summary = { ...recorded, path: joinPath(ws.referencesDir, basename(recorded.path)) };
  if (summary.format === "json") {
    const text = await readText(summary.path);
    if (text === undefined) throw new ReferencesMissingError(ws.name);
    return { refs: readKerchunkJson(text, { file: summary.path }), summary };
  }
  const refs = await readKerchunkParquet(
    { read: (rel) => readBytes(joinPath(summary.path, rel)) },
    { name: summary.path },
  );
  return { refs, summary };
}
