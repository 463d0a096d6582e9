import { computeOutputRoot } from "../../phases/compute-output.js";
import { listProjects, Workspace } from "../../project/workspace.js";

/**
 * What /cells may read by default: the compute output root of every project in the workdir (`compute.output`, else
 * `<project>/h3`). A project whose project.json does not load is left out and named, so its files are not read.
 */
export async function projectDataRoots(workdir: string, warn: (line: string) => void): Promise<string[]> {
  const roots: string[] = [];
  for (const name of await listProjects(workdir)) {
    const ws = new Workspace(workdir, name);
    try {
      roots.push(computeOutputRoot(ws, await ws.loadConfig()));
    } catch (e) {
      warn(`refs serve: project ${name} left out of the data roots: ${(e as Error).message}`);
    }
  }
  return roots;
}
