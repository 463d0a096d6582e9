import { parse } from "csv-parse/sync";
import { defaultConfig, type ProjectConfig, validateConfig } from "./config.js";
import { ProjectConfigError } from "./errors.js";

/**
 * Projects from a CSV of datasets, one per row. Columns: `name` and `sources` (required; several sources
 * separated by whitespace or ';'), and optionally `resolution`, `variables`, `format`, `title`, `license`.
 */
export function projectsFromCsv(text: string, file: string): ProjectConfig[] {
  let rows: Record<string, string>[];
  try {
    rows = parse(text, { columns: true, skip_empty_lines: true, trim: true });
  } catch (error) {
    throw new ProjectConfigError(file, "(csv)", `could not be parsed: ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (rows.length === 0) throw new ProjectConfigError(file, "(csv)", "has no data rows");
  const known = ["name", "sources", "resolution", "variables", "format", "title", "license"];
  for (const column of Object.keys(rows[0] ?? {})) {
    if (!known.includes(column)) {
      throw new ProjectConfigError(file, column, `is not a known column (known: ${known.join(", ")})`);
    }
  }
  return rows.map((row, i) => {
    const where = `${file} row ${i + 2}`;
    const split = (v: string | undefined) => (v ?? "").split(/[\s;]+/).filter(Boolean);
    const d = defaultConfig(row.name ?? "", split(row.sources));
    const raw = {
      name: row.name,
      sources: d.sources,
      references: row.format ? { format: row.format } : undefined,
      compute: {
        resolution: row.resolution ? Number(row.resolution) : undefined,
        variables: row.variables ? split(row.variables) : undefined,
      },
      catalog: { title: row.title || undefined, license: row.license || undefined },
    };
    return validateConfig(JSON.parse(JSON.stringify(raw)), where);
  });
}
