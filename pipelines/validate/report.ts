/** What `refs validate` found: metadata findings first, then one line per variable and source file. */
export type Status = "success" | "warning" | "failure";

export interface Finding {
  status: Status;
  /** The variable (array path) or metadata key concerned. */
  subject: string;
  /** The source file the values came from (absent for metadata findings). */
  file?: string;
  detail: string;
}

export interface ValidationReport {
  metadata: Finding[];
  files: string[];
  variables: Finding[];
  summary: Record<Status, number>;
}

export function summarize(metadata: Finding[], files: string[], variables: Finding[]): ValidationReport {
  const summary: Record<Status, number> = { success: 0, warning: 0, failure: 0 };
  for (const f of [...metadata, ...variables]) summary[f.status]++;
  return { metadata, files, variables, summary };
}

/** Human-readable report, one line per finding. */
export function formatReport(report: ValidationReport): string {
  const line = (f: Finding) =>
    `${f.status.toUpperCase().padEnd(7)} ${f.subject}${f.file ? ` [${f.file}]` : ""}: ${f.detail}`;
  const { success, warning, failure } = report.summary;
  return [
    "metadata:",
    ...report.metadata.map(line),
    `values (files: ${report.files.join(", ")}):`,
    ...report.variables.map(line),
    `summary: ${success} success, ${warning} warning, ${failure} failure`,
  ].join("\n");
}
