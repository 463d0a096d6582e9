/**
 * Choosing units: by id (`--unit`, repeatable) and by area (`--bbox W,S,E,N`: units whose h0 cell's bounds meet
 * the box); both given: units matching both. Wiping a selection deletes only its partitions' files and records.
 */
import { ComputeConfigError } from "../errors.js";
import type { OutputStore } from "../io/output.js";
import { partitionPlace } from "../partition-files.js";
import type { Prepared } from "../prepare.js";
import { type Bbox, bboxToBox, boxesMeet } from "./h0-regions.js";
import type { WorkUnit } from "./plan.js";
import { recordPath } from "./record.js";

export function selectUnits(units: WorkUnit[], o: { units?: string[]; bbox?: Bbox }): WorkUnit[] {
  let out = units;
  if (o.units) {
    const known = new Set(units.map((u) => u.id));
    const unknown = o.units.filter((id) => !known.has(id));
    if (unknown.length > 0) {
      throw new ComputeConfigError(
        "units",
        `no unit ${unknown.join(", ")} (refs units <proj> lists them; e.g. ${units
          .slice(0, 3)
          .map((u) => u.id)
          .join(", ")})`,
      );
    }
    const wanted = new Set(o.units);
    out = out.filter((u) => wanted.has(u.id));
  }
  if (o.bbox) {
    const box = bboxToBox(checkBbox(o.bbox));
    out = out.filter((u) => boxesMeet(bboxToBox(u.bounds), box));
  }
  return out;
}

/** `W,S,E,N` in degrees (west may exceed east across the antimeridian). */
export function parseBbox(text: string): Bbox {
  const parts = text.split(",").map((x) => Number(x.trim()));
  if (parts.length !== 4 || parts.some((x) => !Number.isFinite(x)))
    throw new ComputeConfigError("bbox", `expected W,S,E,N in degrees, got "${text}"`);
  return checkBbox(parts as Bbox);
}

function checkBbox(b: Bbox): Bbox {
  const [w, s, e, n] = b;
  if (w < -180 || w > 180 || e < -180 || e > 180 || s < -90 || n > 90 || s > n)
    throw new ComputeConfigError(
      "bbox",
      `[${b.join(", ")}]: need -180 <= W, E <= 180 and -90 <= S <= N <= 90`,
    );
  return b;
}

export async function wipeUnits(p: Prepared, units: WorkUnit[], output: OutputStore): Promise<void> {
  for (const unit of units) {
    for (const window of unit.windows) {
      const { dir, prefix } = partitionPlace(p, unit, window);
      for (const path of await output.list(dir)) {
        const slash = path.lastIndexOf("/");
        if (path.slice(0, Math.max(0, slash)) === dir && path.slice(slash + 1).startsWith(prefix))
          await output.delete(path);
      }
    }
    await output.delete(recordPath(unit.id));
  }
}
