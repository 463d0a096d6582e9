/**
 * Temporaries a killed run left: a local write goes through `<name>.<pid>@<host>.<random>.tmp` (compute's
 * LocalOutput and older writers: `<name>.<pid>-<random>.tmp`, `<name>.<pid>.tmp`) and a rename, so SIGKILL mid-write leaves one behind. The
 * next phase removes those whose writer is known dead (this host, no such pid) or that are older than an hour
 * (no single write takes that long), never a live writer's (shards share a workdir). On object stores every PUT
 * is atomic and nothing writes temporaries, but any found there are cleaned by the same rule.
 */
import { stat, unlink } from "node:fs/promises";
import { hostname } from "node:os";
import { isError } from "../../refs/errors.js";
import { deleteObject, NotFoundError } from "../../refs/storage/index.js";
import { isUrlPath, joinPath, listTree, temporaryHost, workdirStorage } from "../project/workdir-io.js";
import { ownerAlive } from "../status/liveness.js";

const OLD_MS = 60 * 60_000;

/** The writer a temporary's name records; host absent in older names (then: this host, as a guess). */
export function temporaryWriter(name: string): { host?: string; pid: number } | undefined {
  const m = /\.(\d+)(?:@([^./]+))?(?:[-.][0-9a-f]+)?\.tmp$/.exec(name);
  if (!m) return undefined;
  return { ...(m[2] ? { host: m[2] } : {}), pid: Number(m[1]) };
}

/** Removes the stale temporaries below `dir`; returns their paths. */
export async function cleanTemporaries(dir: string, now: number = Date.now()): Promise<string[]> {
  const removed: string[] = [];
  for (const rel of await listTree(dir)) {
    if (!rel.endsWith(".tmp")) continue;
    const path = joinPath(dir, rel);
    const writer = temporaryWriter(rel);
    const here = writer !== undefined && (writer.host === undefined || writer.host === temporaryHost());
    const dead = here && !ownerAlive({ host: hostname(), pid: writer.pid });
    if (!dead && !(await olderThan(path, now - OLD_MS))) continue;
    try {
      if (isUrlPath(path)) await deleteObject(path, workdirStorage());
      else await unlink(path);
      removed.push(path);
    } catch (error) {
      // its writer renamed or removed it meanwhile
      if (!isError(error, NotFoundError) && (error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
  }
  return removed;
}

/** Local files only: object listings carry no time here, so those go by their writer alone. */
async function olderThan(path: string, limit: number): Promise<boolean> {
  if (isUrlPath(path)) return false;
  const info = await stat(path).catch(() => undefined);
  return info !== undefined && info.mtimeMs < limit;
}
