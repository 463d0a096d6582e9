/**
 * `refs translate`: JSON to stdout or a file, Parquet to a folder, several inputs into a folder, an HTTP URL,
 * and --on-error warn leaving an object out with exit code 3. Outputs are read back with refs/formats and
 * must hold the same references as a direct scan.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { parseArgs } from "../../../pipelines/cli/command.js";
import { translateCommand } from "../../../pipelines/cli/commands/translate.js";
import { readKerchunkJson } from "../../../refs/formats/kerchunk-json.js";
import { readKerchunkParquet } from "../../../refs/formats/kerchunk-parquet/index.js";
import type { ReferenceSet } from "../../../refs/model/reference-set.js";
import { FileSource } from "../../../refs/storage/file.js";
import { scanHdf5 } from "../../../scanner/hdf5/scan.js";
import { fixturesDir, haveFixtures } from "../../fixtures.js";
import { type RangeServer, startRangeServer } from "../../servers/http-range-server.js";
import { h5wasmReady } from "./h5wasm-oracle.js";

const dir = mkdtempSync(join(tmpdir(), "refs-translate-"));
const file = join(dir, "t.h5");
let http: RangeServer;

beforeAll(async () => {
  const h5 = await h5wasmReady();
  const f = new h5.File(file, "w", { libver: "latest" });
  f.create_dataset({
    name: "v",
    data: new Float64Array(400).map((_, i) => i),
    shape: [20, 20],
    chunks: [5, 5],
    compression: "gzip",
  });
  f.create_dataset({ name: "small", data: new Int8Array([1, 2, 3]), shape: [3] });
  f.create_attribute("title", "translate test");
  f.close();
  http = await startRangeServer();
  http.objects.set("/t.h5", new Uint8Array(readFileSync(file)));
});

afterAll(async () => {
  await http.close();
  rmSync(dir, { recursive: true, force: true });
});

async function run(...argv: string[]): Promise<number> {
  return translateCommand.run(parseArgs(argv, translateCommand.valueOptions, translateCommand.flags));
}

function sameChunks(a: ReferenceSet, b: ReferenceSet): void {
  expect([...b.arrays.keys()].sort()).toEqual([...a.arrays.keys()].sort());
  for (const [path, table] of a.arrays) {
    for (const flat of table.present())
      expect(b.arrays.get(path)?.get(flat), `${path} ${flat}`).toEqual(table.get(flat));
  }
}

describe("refs translate", () => {
  it("writes kerchunk JSON to stdout, and to -o, equal to a direct scan", async () => {
    const direct = await scanHdf5(new FileSource(file), file, { inlineThreshold: 10 });
    const printed: string[] = [];
    const spy = vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
      printed.push(String(chunk));
      return true;
    });
    try {
      expect(await run(file, "--inline-threshold", "10")).toBe(0);
    } finally {
      spy.mockRestore();
    }
    sameChunks(direct.refs, readKerchunkJson(printed.join("")));
    const out = join(dir, "t.json");
    expect(await run(file, "--inline-threshold", "10", "-o", out)).toBe(0);
    const back = readKerchunkJson(await readFile(out, "utf8"));
    sameChunks(direct.refs, back);
    expect(back.metadata.get(".zattrs")).toEqual({ title: "translate test" });
    expect(back.arrays.get("small")?.get(0)?.kind).toBe("inline");
  });

  it("writes kerchunk Parquet to a folder", async () => {
    const direct = await scanHdf5(new FileSource(file), file);
    const out = join(dir, "t.parq");
    expect(await run(file, "--format", "parquet", "-o", out)).toBe(0);
    const back = await readKerchunkParquet({
      read: async (p) => (existsSync(join(out, p)) ? new Uint8Array(readFileSync(join(out, p))) : undefined),
    });
    sameChunks(direct.refs, back);
  });

  it("reads over HTTP and writes several inputs into a folder", async () => {
    const out = join(dir, "many");
    expect(await run(file, `${http.origin}/t.h5`, "-o", out)).toBe(0);
    const remote = readKerchunkJson(await readFile(join(out, "t.h5.json"), "utf8"));
    const direct = await scanHdf5(new FileSource(file), `${http.origin}/t.h5`);
    sameChunks(direct.refs, remote);
  });

  it("rejects bad options", async () => {
    await expect(run()).rejects.toThrow(/at least one/);
    await expect(run(file, "--format", "xml")).rejects.toThrow(/--format/);
    await expect(run(file, "--format", "parquet")).rejects.toThrow(/-o/);
    await expect(run(file, "--on-error", "ignore")).rejects.toThrow(/--on-error/);
  });

  it.skipIf(!haveFixtures)(
    "--on-error warn and skip leave an unsupported object out and report it; warn exits 3, skip 0",
    async () => {
      const szip = join(fixturesDir, "netcdf-c/ref_szip.h5");
      const errors: string[] = [];
      const printed: string[] = [];
      const spy = vi.spyOn(console, "error").mockImplementation((m) => errors.push(String(m)));
      const out = vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
        printed.push(String(chunk));
        return true;
      });
      try {
        expect(await run(szip, "--on-error", "warn", "-o", join(dir, "szip.json"))).toBe(3);
        expect(await run(szip, "--on-error", "skip", "-o", join(dir, "skip.json"), "--json")).toBe(0);
        expect(await run(szip, "--on-error", "skip", "-q", "-o", join(dir, "skip.json"))).toBe(0);
      } finally {
        spy.mockRestore();
        out.mockRestore();
      }
      // One line per object left out, for warn and for skip; -q silences it.
      expect(errors).toHaveLength(2);
      for (const line of errors)
        expect(line).toMatch(
          /left out \/dset_szip \(szip filter\): .*ref_szip\.h5 \(object \/dset_szip, byte offset \d+\)/,
        );
      const summary = JSON.parse(printed.join("")) as {
        onError: string;
        leftOut: number;
        files: Array<{
          input: string;
          output: string;
          arrays: number;
          issues: Array<Record<string, unknown>>;
        }>;
      };
      expect(summary.onError).toBe("skip");
      expect(summary.leftOut).toBe(1);
      expect(summary.files).toHaveLength(1);
      expect(summary.files[0]?.output).toBe(join(dir, "skip.json"));
      expect(summary.files[0]?.issues).toEqual([
        expect.objectContaining({ object: "/dset_szip", feature: "szip filter", leftOut: true }),
      ]);
      // The rest of the file still comes out.
      const back = readKerchunkJson(await readFile(join(dir, "skip.json"), "utf8"));
      expect(back.metadata.has(".zgroup")).toBe(true);
      expect(back.metadata.has("dset_szip/.zarray")).toBe(false);
      await expect(run(szip, "-o", join(dir, "szip.json"))).rejects.toThrow(/szip filter/);
    },
  );

  it.skipIf(!haveFixtures)("objects kept with a caveat are reported as notes, not as left out", async () => {
    const masked = join(fixturesDir, "kerchunk/hdf5_mali_chunk.h5");
    const errors: string[] = [];
    const spy = vi.spyOn(console, "error").mockImplementation((m) => errors.push(String(m)));
    try {
      expect(await run(masked, "--on-error", "warn", "-o", join(dir, "masked.json"))).toBe(0);
    } finally {
      spy.mockRestore();
    }
    expect(errors.length).toBeGreaterThan(0);
    for (const line of errors) expect(line).toMatch(/: note \/data \(per-chunk filter mask\)/);
  });
});
