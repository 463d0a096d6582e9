/**
 * Validation of a combined series whose small chunks were inlined: no chunk names a file any more, so each file's
 * part of the combined arrays comes from the scan's summary (its place along the concat dimension), not from chunk
 * URLs. Before, the second file was compared against the wrong region and reported as a failure.
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { writeEra5Like } from "../../pipelines/demo/era5-like.js";
import { scanPhase } from "../../pipelines/phases/scan/scan-phase.js";
import { validatePhase } from "../../pipelines/phases/validate-phase.js";
import { defaultConfig } from "../../pipelines/project/config.js";
import { Workspace } from "../../pipelines/project/workspace.js";
import { readKerchunkJson } from "../../refs/formats/kerchunk-json.js";

let dir: string;
let ws: Workspace;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "refs-validate-inlined-"));
  await writeEra5Like({ dir: join(dir, "data"), days: 3, step: 2, chunks: [6, 10, 10] });
  ws = new Workspace(dir, "inl");
  await ws.saveConfig(defaultConfig("inl", [join(dir, "data", "*.nc")]));
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

it("compares every file's own part, also when its chunks are inline", async () => {
  await scanPhase(ws, { quiet: true });
  const refs = readKerchunkJson(await readFile(join(ws.referencesDir, "refs.json"), "utf8"));
  const tp = refs.arrays.get("tp")!;
  let inline = 0;
  for (let i = 0; i < tp.count; i++) if (tp.get(i)?.kind === "inline") inline++;
  expect(inline, "the scenario needs inlined chunks").toBeGreaterThan(0);

  const { report } = await validatePhase(ws, { quiet: true, files: 3 });
  expect(report.files).toHaveLength(3);
  const notOk = report.variables.filter((v) => v.status !== "success");
  expect(notOk, JSON.stringify(notOk)).toEqual([]);
  expect(report.variables.filter((v) => v.subject === "tp")).toHaveLength(3);
});
