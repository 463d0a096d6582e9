/**
 * A reader of the Dockerfile subset refs' own Dockerfile uses (FROM ... AS, WORKDIR, COPY [--from], RUN
 * [--mount], ENV, USER, ENTRYPOINT/CMD in exec form), so a test can replay its steps in folders standing for the
 * image's paths when no Docker daemon runs.
 */
export interface Instruction {
  op: string;
  /** Flags such as --from=build or --mount=..., by name. */
  flags: Record<string, string>;
  /** The rest of the line: words for COPY, the shell command for RUN, parsed JSON for ENTRYPOINT/CMD. */
  text: string;
}

export interface Stage {
  base: string;
  name?: string;
  steps: Instruction[];
}

export function parseDockerfile(text: string): Stage[] {
  const lines = text
    .replace(/\\\n/g, " ")
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#"));
  const stages: Stage[] = [];
  for (const line of lines) {
    const m = /^(\S+)\s+(.*)$/.exec(line);
    if (!m) throw new Error(`Dockerfile: cannot read "${line}"`);
    const op = (m[1] as string).toUpperCase();
    let rest = m[2] as string;
    const flags: Record<string, string> = {};
    for (let f = /^--([a-z]+)=(\S+)\s+/.exec(rest); f; f = /^--([a-z]+)=(\S+)\s+/.exec(rest)) {
      flags[f[1] as string] = f[2] as string;
      rest = rest.slice(f[0].length);
    }
    if (op === "FROM") {
      const [base, as, name] = rest.split(/\s+/);
      stages.push({ base: base as string, ...(as?.toUpperCase() === "AS" ? { name } : {}), steps: [] });
      continue;
    }
    const stage = stages.at(-1);
    if (!stage) throw new Error(`Dockerfile: ${op} before FROM`);
    stage.steps.push({ op, flags, text: rest });
  }
  return stages;
}
