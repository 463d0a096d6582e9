/**
 * The COG benchmark's per-unit table from its log (`REFS_BENCH_COG_LOG`), for a run stopped before the end or
 * still going: `tsx test/bench/compute/cog-log-table.ts <log.jsonl>`.
 */
import { readFileSync } from "node:fs";
import { formatTable } from "../table.js";
import { COG_UNIT_COLUMNS, cogUnitRows, cogUnitSummaryRows } from "./cog-units.js";

const [log] = process.argv.slice(2) as [string];
const perUnit = readFileSync(log, "utf8")
  .split("\n")
  .filter(Boolean)
  .map((l) => JSON.parse(l) as Record<string, unknown>);
const loads = perUnit.map((r) => Number(r.load)).sort((a, b) => a - b);
console.log(
  formatTable({
    title: `COG units from ${log}: ${perUnit.length} of ${perUnit[0]?.of ?? "?"} run`,
    baseline: "goal: peak RSS per unit under 2 GiB",
    columns: COG_UNIT_COLUMNS,
    rows: [...cogUnitRows(perUnit), ...cogUnitSummaryRows(perUnit)],
    notes: [
      `load average (1 min) at the end of each unit: ${loads[0]} to ${loads.at(-1)}, median ${loads[loads.length >> 1]}`,
    ],
  }),
);
