import { RefsError } from "../../refs/errors.js";

/** project.json (or a CSV row) has a field that is missing or wrong: names the file, the field and why. */
export class ProjectConfigError extends RefsError {
  override name = "ProjectConfigError";
  constructor(
    readonly file: string,
    readonly field: string,
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(`${file}: field "${field}" ${detail}`, options);
  }
}

/** No project of that name in the workdir. */
export class UnknownProjectError extends RefsError {
  override name = "UnknownProjectError";
  constructor(
    readonly project: string,
    readonly workdir: string,
    readonly known: readonly string[],
  ) {
    const hint = known.length ? `; projects there: ${known.join(", ")}` : "; run `refs init` first";
    super(`no project "${project}" in ${workdir}${hint}`);
  }
}
