/**
 * Child process for fault and shard tests: `child.ts <case> <root> [delayMs] [config overrides as JSON]`. Like `refs compute`, it is the
 * caller that reads the environment (JOB_COMPLETION_INDEX / JOB_COMPLETIONS) and passes the shard in.
 */
import { computeProject } from "../../../compute/run.js";
import { resolveShard } from "../../../pipelines/cli/shard-args.js";
import ioFor, { type CaseArgs, CONFIGS } from "./io-module.js";

const [name, root, delay, overrides] = process.argv.slice(2) as [
  CaseArgs["name"],
  string,
  string | undefined,
  string | undefined,
];
const shard = resolveShard({}, process.env);
const io = await ioFor({ name, root, ...(delay && delay !== "0" ? { delayMs: Number(delay) } : {}) });
const summary = await computeProject(
  io,
  { ...CONFIGS[name], variables: [...CONFIGS[name].variables], ...(overrides ? JSON.parse(overrides) : {}) },
  {
    ...(shard ? { shard } : {}),
    mappingThreads: 0,
  },
);
process.stdout.write(`${JSON.stringify({ unitsRun: summary.unitsRun, rows: summary.rows })}\n`);
