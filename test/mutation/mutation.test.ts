/**
 * The mutation suite at CI size (about a minute): 40 seeded mutants of each seed file (generated HDF5 with every
 * chunk index and a version 2 layout message, NetCDF3 CDF-1/2/5, a TIFF; and small real fixtures of the three
 * formats when present), plus mutants aimed at known failure modes (IFD loops, SamplesPerPixel 65535,
 * RowsPerStrip 0, numrecs 0x7FFFFFFF). Each runs in a child process bounded to 10 s and 512 MiB; values read back
 * through the references are compared with h5wasm / netcdfjs / geotiff.js. `npm run bench -- mutation` runs more.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { countOutcomes, type JobResult } from "./runner.js";
import { mutationRun } from "./suite.js";

const dir = mkdtempSync(join(tmpdir(), "refs-mutation-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const name = (r: JobResult) => r.job.path.split("/").pop() as string;

describe("mutation suite (CI size)", () => {
  it("no hang, crash, run over 512 MiB or unnamed error; no wrong values with exit 0", {
    timeout: 600_000,
  }, async () => {
    const results = await mutationRun(dir, 40);
    const counts = countOutcomes(results);
    console.log(`mutation suite: ${results.length} mutants`, counts);
    const bad = (o: string) => results.filter((r) => r.outcome === o).map((r) => `${name(r)}: ${r.detail}`);
    expect(bad("hang")).toEqual([]);
    expect(bad("crash")).toEqual([]);
    expect(bad("over-memory")).toEqual([]);
    expect(bad("unnamed-error")).toEqual([]);
    // A tile size changed to another multiple of 16 on a one-tile level (rgba8_cog flip_1135_0: TileLength 128
    // -> 384) scans, since no header-only check can see it; its read-back is "read-refused" (a ChunkSizeError).
    expect(bad("wrong")).toEqual([]);
    const tile = results.find((r) => name(r) === "cogeotiff__rgba8_cog.tiff.flip_1135_0");
    if (tile)
      expect([tile.outcome, tile.detail]).toEqual(["read-refused", expect.stringContaining("decoded to")]);
    expect(results.length).toBeGreaterThan(250);
    expect(counts["clean-error"]).toBeGreaterThan(100);
    expect(counts.equal).toBeGreaterThan(100);
  });
});
