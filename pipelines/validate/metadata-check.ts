import type { ReferenceSet } from "../../refs/model/index.js";
import { arrayMeta, chunkGrid, hasCodec, objectCodecIds } from "../../refs/store/index.js";
import type { Finding } from "./report.js";

/** Every array's .zarray must be readable, its codecs known, its dimension names and chunk table consistent. */
export function checkMetadata(refs: ReferenceSet): Finding[] {
  const findings: Finding[] = [];
  for (const key of refs.metadata.keys()) {
    if (key !== ".zarray" && !key.endsWith("/.zarray")) continue;
    const path = key === ".zarray" ? "" : key.slice(0, -"/.zarray".length);
    const problems: string[] = [];
    const warnings: string[] = [];
    try {
      const meta = arrayMeta(refs, path);
      const codecs = [meta.compressor, ...meta.filters].filter((c) => c !== null);
      for (const c of codecs) {
        const id = String(c?.id);
        if (!hasCodec(id) && !objectCodecIds.has(id)) problems.push(`codec "${id}" is not available`);
      }
      const dims = refs.metadata.get(path === "" ? ".zattrs" : `${path}/.zattrs`)?._ARRAY_DIMENSIONS;
      if (!Array.isArray(dims)) warnings.push("no _ARRAY_DIMENSIONS (xarray cannot open it)");
      else if (dims.length !== meta.shape.length)
        problems.push(`_ARRAY_DIMENSIONS has ${dims.length} names for ${meta.shape.length} dimensions`);
      const table = refs.arrays.get(path);
      const grid = chunkGrid(meta.shape, meta.chunks);
      if (table && table.grid.join() !== grid.join())
        problems.push(`chunk table grid ${table.grid.join("x")} differs from ${grid.join("x")}`);
      const present = table ? table.presentCount() : 0;
      const total = grid.reduce((a, b) => a * b, 1);
      if (present < total)
        warnings.push(`${total - present} of ${total} chunks have no reference (read as fill value)`);
    } catch (error) {
      problems.push((error as Error).message);
    }
    const status = problems.length ? "failure" : warnings.length ? "warning" : "success";
    findings.push({
      status,
      subject: path || "/",
      detail: [...problems, ...warnings].join("; ") || "metadata readable",
    });
  }
  return findings;
}
