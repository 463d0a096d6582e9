import { createHash } from "node:crypto";
import { CurvilinearGrid } from "./curvilinear.js";
import { ProjectedGrid } from "./projected.js";
import { RegularLatLonGrid } from "./regular.js";
import type { Grid, GridSpec } from "./types.js";

export function gridFromSpec(spec: GridSpec): Grid {
  switch (spec.kind) {
    case "regular":
      return new RegularLatLonGrid(spec.lat, spec.lon);
    case "projected":
      return new ProjectedGrid(spec.crs, spec.x0, spec.dx, spec.y0, spec.dy, spec.nx, spec.ny);
    case "curvilinear":
      return new CurvilinearGrid(spec.lat, spec.lon, spec.ny, spec.nx);
  }
}

export function gridShape(spec: GridSpec): { ny: number; nx: number } {
  if (spec.kind === "regular") return { ny: spec.lat.length, nx: spec.lon.length };
  return { ny: spec.ny, nx: spec.nx };
}

/** A stable hash of a grid: equal coordinates give equal hashes, so cell mappings can be cached by it. */
export function gridHash(spec: GridSpec): string {
  const h = createHash("sha256");
  h.update(spec.kind);
  if (spec.kind === "projected") {
    h.update(JSON.stringify([spec.crs, spec.x0, spec.dx, spec.y0, spec.dy, spec.nx, spec.ny]));
  } else {
    if (spec.kind === "curvilinear") h.update(JSON.stringify([spec.ny, spec.nx]));
    h.update(new Uint8Array(spec.lat.buffer, spec.lat.byteOffset, spec.lat.byteLength));
    h.update("|");
    h.update(new Uint8Array(spec.lon.buffer, spec.lon.byteOffset, spec.lon.byteLength));
  }
  return h.digest("hex").slice(0, 32);
}
