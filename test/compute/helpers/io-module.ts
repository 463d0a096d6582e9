/**
 * IOModule for worker threads and child processes: rebuilds a generated case's ComputeIO from plain arguments
 * (the same generator gives the same bytes), optionally slowed down so a test can kill a run mid-way.
 */
import { appendFileSync } from "node:fs";
import { LocalOutput } from "../../../compute/io/output.js";
import type { ComputeIO } from "../../../compute/run.js";
import type { ArrayReader } from "../../../compute/source.js";
import { coarseRegional, hourlyGrid, utmRaster } from "./cases.js";
import { chunkReader } from "./reader.js";

export interface CaseArgs {
  name: "hourly" | "coarse" | "utm";
  root: string;
  cacheDir?: string;
  /**
   * Milliseconds to wait in every read of a data variable and before every file written (reads alone no longer
   * pace a run: blocks shared by unit groups are fetched once, later groups copy them from a local spill).
   */
  delayMs?: number;
  /** A file each read of a data variable appends one line to (its region), from whichever thread reads. */
  countReadsIn?: string;
}

class SlowOutput extends LocalOutput {
  constructor(
    root: string,
    private readonly delayMs: number,
  ) {
    super(root);
  }
  override async write(path: string, bytes: Uint8Array): Promise<void> {
    await new Promise((r) => setTimeout(r, this.delayMs));
    return super.write(path, bytes);
  }
}

export function caseOf(name: CaseArgs["name"]) {
  if (name === "hourly") return hourlyGrid(4, 6, [2, 23, 45]);
  if (name === "coarse") return coarseRegional();
  return utmRaster();
}

export default async function ioFor(args: CaseArgs): Promise<ComputeIO> {
  const c = caseOf(args.name);
  const inner = chunkReader(c.dataset.refs, c.dataset.sources);
  const read: ArrayReader =
    args.delayMs || args.countReadsIn
      ? async (path, region) => {
          if (region.start.length > 1 && args.delayMs) await new Promise((r) => setTimeout(r, args.delayMs));
          if (region.start.length > 1 && args.countReadsIn)
            appendFileSync(args.countReadsIn, `${path} ${region.start} ${region.stop}\n`);
          return inner(path, region);
        }
      : inner;
  return {
    refs: c.dataset.refs,
    read,
    output: args.delayMs ? new SlowOutput(args.root, args.delayMs) : new LocalOutput(args.root),
    ...(args.cacheDir ? { cacheDir: args.cacheDir } : {}),
  };
}

export const CONFIGS = {
  hourly: { variables: ["tp", "t2m"], resolution: 2 },
  coarse: { variables: ["pr"], resolution: 4 },
  utm: { variables: ["band1"], resolution: 9 },
} as const;
