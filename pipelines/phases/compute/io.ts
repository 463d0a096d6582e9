/**
 * The ComputeIO of a project: its combined references, a reader through them and its output store. The default
 * export is the IOModule worker threads import to build their own (functions and stores cannot cross threads).
 */
import { join } from "node:path";
import { type ComputeIO, referenceReader } from "../../../compute/index.js";
import { Workspace } from "../../project/workspace.js";
import { computeOutput } from "../compute-output.js";
import { sourceOpener } from "../open-sources.js";
import { loadReferences, recordedSources } from "../references.js";
import { storageOptions } from "../storage-options.js";

export interface ProjectIOArgs {
  workdir: string;
  project: string;
}

export default async function projectIO(args: ProjectIOArgs): Promise<ComputeIO> {
  const ws = new Workspace(args.workdir, args.project);
  const config = await ws.loadConfig();
  const { refs, summary } = await loadReferences(ws);
  return {
    refs,
    // every source is checked against the version the scan recorded before a unit reads it
    read: referenceReader(refs, sourceOpener(storageOptions(config), recordedSources(summary))),
    output: computeOutput(ws, config),
    cacheDir: join(ws.cacheDir, "cells"),
  };
}
