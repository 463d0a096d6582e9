/**
 * maxChunkBytes from the places that set it: a project's `references.maxChunkBytes` (validated, default 0) and
 * scanFile's options (what the scan phase and `refs translate` pass), down to the NetCDF3 chunk grid.
 */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { EXIT } from "../../../pipelines/cli/command.js";
import { main } from "../../../pipelines/cli/main.js";
import { validateConfig } from "../../../pipelines/project/config.js";
import { MemorySource } from "../../../refs/storage/memory.js";
import { scanFile } from "../../../scanner/index.js";
import { writeNetCDF3 } from "./write-netcdf3.js";

const file = () =>
  writeNetCDF3({
    version: 1,
    dims: [
      ["y", 10],
      ["x", 4],
    ],
    vars: [{ name: "v", type: "double", dims: ["y", "x"], data: Array.from({ length: 40 }, (_, i) => i) }],
  }).bytes;

describe("maxChunkBytes", () => {
  it("project config: references.maxChunkBytes, default 0, whole bytes only", () => {
    const base = { version: 1, name: "p", sources: ["a.nc"] };
    expect(validateConfig(base, "project.json").references.maxChunkBytes).toBe(0);
    const set = validateConfig({ ...base, references: { maxChunkBytes: 96 } }, "project.json");
    expect(set.references.maxChunkBytes).toBe(96);
    expect(() => validateConfig({ ...base, references: { maxChunkBytes: -1 } }, "project.json")).toThrow(
      /maxChunkBytes/,
    );
  });

  // 10x4 doubles = 320 bytes, rows of 32: 96 bytes allow 3 rows, but chunks must tile the axis whole
  // (uncompressed references cannot be short), so 2 rows: 5 chunks of 64 bytes
  it("scanFile passes it to the NetCDF3 scanner", async () => {
    const source = new MemorySource("mem://v.nc", file());
    const whole = await scanFile(source, "v.nc", { inlineThreshold: 0 });
    expect(whole.refs.metadata.get("v/.zarray")?.chunks).toEqual([10, 4]);
    const cut = await scanFile(source, "v.nc", { inlineThreshold: 0, maxChunkBytes: 96 });
    expect(cut.refs.metadata.get("v/.zarray")?.chunks).toEqual([2, 4]);
    const table = cut.refs.arrays.get("v");
    const first = whole.refs.arrays.get("v")?.get(0);
    const start = first?.kind === "range" ? first.offset : -1;
    expect(table?.count).toBe(5);
    expect([0, 1, 2, 3, 4].map((i) => table?.get(i))).toEqual(
      [0, 1, 2, 3, 4].map((i) => ({ kind: "range", url: "v.nc", offset: start + i * 64, length: 64 })),
    );
  });

  it("refs translate --max-chunk-bytes", async () => {
    const dir = await mkdtemp(join(tmpdir(), "max-chunk-"));
    const err = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      const input = join(dir, "v.nc");
      await writeFile(input, file());
      const out = join(dir, "v.json");
      const args = ["translate", input, "--inline-threshold", "0", "-o", out];
      expect(await main([...args, "--max-chunk-bytes", "160"])).toBe(EXIT.ok);
      const refs = JSON.parse(await readFile(out, "utf8")).refs as Record<string, unknown>;
      expect(JSON.parse(refs["v/.zarray"] as string).chunks).toEqual([5, 4]);
      expect(Object.keys(refs).filter((k) => k.startsWith("v/") && !k.includes(".z"))).toEqual([
        "v/0.0",
        "v/1.0",
      ]);
      expect(await main([...args, "--max-chunk-bytes", "-5"])).toBe(EXIT.usage);
    } finally {
      err.mockRestore();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
