/**
 * Python's xarray reads through refs' combined references what it reads from each source file on its own: a
 * CDS-style series packed per file (decoded as the README says, `tp * tp_scale_factor + tp_add_offset`, against the
 * files opened by xarray's netCDF4 engine) and a CMIP-style yearly series in a 360_day calendar whose time and
 * time_bnds were re-encoded (cftime dates against the files'). Needs xarray, zarr, fsspec, netCDF4 and cftime
 * (Debian's python3-xarray, -zarr, -fsspec, -netcdf4, -cftime; .ci/run installs them); skips elsewhere, saying so.
 */
import { spawnSync } from "node:child_process";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeEra5Like } from "../../pipelines/demo/era5-like.js";
import { writeCmipYearly } from "../series/cmip-yearly.js";

const root = resolve(import.meta.dirname, "..", "..");
const script = fileURLToPath(new URL("./xarray_decoded.py", import.meta.url));
const modules = "import xarray, zarr, fsspec, netCDF4, cftime";
const python = [process.env.REFS_PYTHON, "python3", "/usr/bin/python3"]
  .filter((p): p is string => Boolean(p))
  .find((py) => spawnSync(py, ["-c", modules], { encoding: "utf8" }).status === 0);
if (!python) {
  console.warn(
    "skipping the xarray per-file encoding test: no python3 imports xarray, zarr, fsspec, netCDF4 and cftime " +
      "(apt-get install python3-xarray python3-zarr python3-fsspec python3-netcdf4 python3-cftime, or set REFS_PYTHON)",
  );
}

function refs(args: string[]): void {
  const run = spawnSync(process.execPath, [join(root, "bin", "refs.js"), ...args], {
    encoding: "utf8",
    timeout: 180_000,
  });
  if (run.status !== 0)
    throw new Error(`refs ${args.join(" ")} exited ${run.status}:\n${run.stderr}${run.stdout}`);
}

function compare(args: string[]): { equal: boolean; detail: string } {
  const run = spawnSync(python as string, [script, ...args], {
    encoding: "utf8",
    timeout: 180_000,
    cwd: tmpdir(),
  });
  if (run.status !== 0)
    throw new Error(`xarray_decoded.py ${args[0]} failed (${run.status}):\n${run.stderr}`);
  return JSON.parse(run.stdout);
}

describe.skipIf(!python)("xarray decodes refs' combined series as it decodes each file", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "refs-xarray-enc-"));
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("per-file packing (CDS ERA5): tp * tp_scale_factor + tp_add_offset equals the files' own decoding", async () => {
    const files = await writeEra5Like({
      dir: join(dir, "era5"),
      days: 3,
      latNorth: 40,
      latSouth: 36,
      lonWest: 0,
      lonEast: 4,
      chunks: [6, 9, 9],
      packing: "per-file",
    });
    const workdir = join(dir, "w");
    refs(["init", "tp", "--source", join(dir, "era5", "*.nc"), "--workdir", workdir]);
    refs(["scan", "tp", "--workdir", workdir, "-q"]);
    const result = compare(["packed", join(workdir, "tp", "references", "refs.json"), "tp", ...files]);
    expect(result.equal, result.detail).toBe(true);
  }, 240_000);

  it("yearly 360_day files with their own units: time and time_bnds decode to the files' dates", async () => {
    const written = await writeCmipYearly(join(dir, "cmip"), [2000, 2001, 2002, 2003]);
    const workdir = join(dir, "w");
    refs(["init", "tas", "--source", join(dir, "cmip", "*.nc"), "--workdir", workdir]);
    refs(["scan", "tas", "--workdir", workdir, "-q"]);
    const files = written.map((f) => f.path);
    expect((await readdir(join(dir, "cmip"))).length).toBe(4);
    const result = compare(["times", join(workdir, "tas", "references", "refs.json"), ...files]);
    expect(result.equal, result.detail).toBe(true);
  }, 240_000);
});
