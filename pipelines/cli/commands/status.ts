import { formatDuration } from "../../progress/progress.js";
import { PHASES, type PhaseStatus, readStatus } from "../../status/phase-status.js";
import { type Command, EXIT } from "../command.js";
import { cliContext, GLOBAL_FLAGS, GLOBAL_VALUE_OPTIONS, projectArg, report } from "../context.js";

function describe(s: PhaseStatus): string {
  const c = s.counts;
  const counts = c.total > 0 ? ` ${c.done} done, ${c.skipped} skipped, ${c.failed} failed of ${c.total}` : "";
  const took = s.durationMs !== undefined ? ` in ${formatDuration(s.durationMs / 1000)}` : "";
  const lines = [`${s.phase.padEnd(9)} ${s.state.padEnd(8)}${counts}${took}`];
  if (s.interruptedBecause) lines.push(`          interrupted: ${s.interruptedBecause}; rerun the phase`);
  if (s.error) lines.push(`          error: ${s.error}`);
  for (const w of s.warnings ?? []) lines.push(`          warning: ${w}`);
  for (const f of s.failures.slice(0, 5)) lines.push(`          failed: ${f.item}: ${f.reason}`);
  if (s.failures.length > 5) lines.push(`          ... and ${s.failures.length - 5} more failures`);
  return lines.join("\n");
}

export const statusCommand: Command = {
  name: "status",
  usage: `usage: refs status <proj> [--workdir DIR] [--json]
a phase recorded as running whose process is gone (killed; no heartbeat for three intervals) shows "interrupted"
exit status: 0 when every phase ran is done, 1 when one failed or was interrupted, 3 when one partly failed`,
  valueOptions: GLOBAL_VALUE_OPTIONS,
  flags: GLOBAL_FLAGS,
  async run(args) {
    const ctx = cliContext(args);
    const ws = projectArg(args, ctx);
    const config = await ws.loadConfig();
    const statuses = await Promise.all(PHASES.map((p) => readStatus(ws, p)));
    const text = [`project ${config.name} (${ws.dir})`, ...statuses.map(describe)].join("\n");
    report(ctx, { project: config.name, dir: ws.dir, phases: statuses }, text);
    // as the phases exit: 1 when one failed, 3 when one partly failed (some files or checks), else 0
    if (statuses.some((s) => s.state === "failed" || s.state === "interrupted")) return EXIT.failure;
    return statuses.some((s) => s.state === "partial") ? EXIT.partial : EXIT.ok;
  },
};
