/**
 * `npm run bench [-- name...]`: runs every test/bench/*.bench.ts (or those whose names contain an argument)
 * and prints each one's table. Each module's default export returns one or more BenchTables.
 */
import { readdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { type BenchTable, formatTable } from "./table.js";

const here = dirname(fileURLToPath(import.meta.url));
const filters = process.argv.slice(2);
const files = (await readdir(here))
  .filter((f) => f.endsWith(".bench.ts"))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();
if (files.length === 0) console.log("no benchmarks matched");
for (const file of files) {
  const mod = (await import(pathToFileURL(join(here, file)).href)) as {
    default: () => Promise<BenchTable | BenchTable[]>;
  };
  const result = await mod.default();
  for (const table of Array.isArray(result) ? result : [result]) console.log(`${formatTable(table)}\n`);
}
