/**
 * The process under test in the mutation suite (forked by runner.ts with tsx): scans a mutant and reads every
 * array back through the references, with nothing else loaded, so its time and memory are the scan's. It
 * reports the phase it enters, and its outcome: an error, or the values read back for judge.ts to compare.
 */
import { basename } from "node:path";
import { FileSource } from "../../refs/storage/file.js";
import "../../refs/store/codecs/index.js";
import { readArray } from "../../refs/store/read-array.js";
import { ScanError, scanFile } from "../../scanner/index.js";
import type { Job, Outcome, ReadBack, SubjectMessage } from "./protocol.js";

/** Arrays larger than this are not read back (a test machine's memory, not a property of the scan). */
const MAX_COMPARED_ELEMENTS = 2 ** 22;

const send = (m: SubjectMessage) => process.send?.(m);

function classifyError(error: unknown, name: string): { outcome: Outcome; detail: string } {
  if (error instanceof ScanError) {
    const namesFile = error.message.includes(name);
    const namesStructure = error.object !== "" || error.offset !== undefined;
    return { outcome: namesFile && namesStructure ? "clean-error" : "unnamed-error", detail: error.message };
  }
  const e = error as Error;
  const where = e?.stack?.split("\n")[1]?.trim() ?? "";
  return { outcome: "crash", detail: `${e?.name}: ${e?.message} ${where}` };
}

async function run(job: Job): Promise<SubjectMessage> {
  const name = basename(job.path);
  send({ id: job.id, phase: "scan" });
  let refs: Awaited<ReturnType<typeof scanFile>>["refs"];
  try {
    refs = (await scanFile(new FileSource(job.path), name)).refs;
  } catch (error) {
    return { id: job.id, ...classifyError(error, name) };
  }
  send({ id: job.id, phase: "readback" });
  const arrays: ReadBack[] = [];
  for (const path of refs.arrays.keys()) {
    const shape = (refs.metadata.get(path ? `${path}/.zarray` : ".zarray")?.shape ?? []) as number[];
    if (shape.reduce((a, b) => a * b, 1) > MAX_COMPARED_ELEMENTS) continue;
    try {
      const data = (await readArray(refs, path, { open: () => new FileSource(job.path) })).data;
      arrays.push({ path, shape, values: Array.isArray(data) ? data : (data as ArrayLike<unknown>) });
    } catch (error) {
      arrays.push({ path, shape, error: (error as Error).message, errorName: (error as Error).name });
    }
  }
  return { id: job.id, arrays };
}

process.on("message", async (job: Job) => {
  const result = await run(job).catch((error: unknown) => ({
    id: job.id,
    outcome: "crash" as Outcome,
    detail: `outside the scan: ${(error as Error)?.message}`,
  }));
  (globalThis as { gc?: () => void }).gc?.();
  send(result);
});
send({ id: -1, phase: "ready" });
