import { isAbsolute } from "node:path";
import { LocalOutput, type OutputStore, objectStoreOutput } from "../../compute/index.js";
import { schemeOf, storeFor } from "../../refs/storage/index.js";
import type { ProjectConfig } from "../project/config.js";
import { workdirStorage } from "../project/workdir-io.js";
import type { Workspace } from "../project/workspace.js";
import { storageOptions } from "./storage-options.js";

/** Where the project's H3 Parquet goes: `compute.output` (a folder or any storage URL), else `<project>/h3`. */
export function computeOutputRoot(ws: Workspace, config: ProjectConfig): string {
  return config.compute.output ?? ws.computeDir;
}

export function computeOutput(ws: Workspace, config: ProjectConfig): OutputStore {
  const root = computeOutputRoot(ws, config);
  const scheme = isAbsolute(root) ? "file" : schemeOf(root);
  if (scheme === "file") return new LocalOutput(root.replace(/^file:\/\//, ""));
  // in the workdir (on object storage): the workdir's own storage settings; elsewhere the project's
  const storage = config.compute.output ? storageOptions(config) : workdirStorage();
  return objectStoreOutput(storeFor(root, storage), root);
}
