import { readFile } from "node:fs/promises";
import { checkVariablesInFirstFile } from "../../phases/scan/check-variables.js";
import { listSources } from "../../phases/scan/list-sources.js";
import { storageOptions } from "../../phases/storage-options.js";
import { defaultConfig, type ProjectConfig, validateConfig } from "../../project/config.js";
import { projectsFromCsv } from "../../project/csv.js";
import { checkWorkdir } from "../../project/workdir-check.js";
import { readBytes } from "../../project/workdir-io.js";
import { checkProjectName, Workspace } from "../../project/workspace.js";
import { type Command, EXIT, integerOption, option, type ParsedArgs, UsageError } from "../command.js";
import { cliContext, GLOBAL_FLAGS, GLOBAL_VALUE_OPTIONS, report } from "../context.js";
import { STORAGE_USAGE, STORAGE_VALUE_OPTIONS, storageArgs } from "../storage-args.js";

const VALUE_OPTIONS = [
  ...GLOBAL_VALUE_OPTIONS,
  "source",
  "csv",
  "resolution",
  "format",
  "variable",
  "concat-dim",
  "identical-dim",
  "packing",
  ...STORAGE_VALUE_OPTIONS,
] as const;

/** Settings given on the command line, applied over the defaults and validated like project.json. */
function fromArgs(name: string, args: ParsedArgs): ProjectConfig {
  const base = defaultConfig(name, args.options.get("source") ?? []);
  const resolution = option(args, "resolution");
  const raw = {
    ...base,
    storage: storageArgs(args),
    references: {
      ...base.references,
      format: option(args, "format") ?? base.references.format,
      concatDims: args.options.get("concat-dim") ?? [],
      identicalDims: args.options.get("identical-dim") ?? [],
      packing: option(args, "packing") ?? base.references.packing,
    },
    compute: {
      ...base.compute,
      resolution:
        resolution === undefined
          ? base.compute.resolution
          : resolution === "auto"
            ? "auto"
            : integerOption(args, "resolution", 0, { min: 0, max: 15 }),
      variables: args.options.get("variable") ?? [],
    },
  };
  return validateConfig(JSON.parse(JSON.stringify(raw)), "(command line)");
}

export const initCommand: Command = {
  name: "init",
  usage: `usage: refs init <proj> --source GLOB [--source GLOB ...] [options]
       refs init --csv datasets.csv [options]

  --source GLOB      files to reference: a path, file://, https://, s3:// or gs:// URL; globs * ** ? {a,b}
  --csv FILE         one project per row: columns name, sources (space or ';' separated), and optionally
                     resolution, variables, format, title, license
  --resolution N     H3 resolution of the computed Parquet (0-15; default auto: the coarsest whose cells are
                     no larger than the grid's pixels, printed with the reason at compute)
  --variable NAME    variable to compute (repeatable; default: every data variable)
  --format F         references as auto (default), json or parquet
  --concat-dim DIM   dimension to combine the files along (repeatable; default: detected, time first)
  --identical-dim D  array that must be identical in every file, copied once (repeatable)
  --packing P        files packing a variable with different scale_factor/add_offset: per-file (default:
                     carried as <var>_scale_factor/<var>_add_offset along the concat dimension) or refuse
${STORAGE_USAGE}
  --force            overwrite an existing project.json
  --no-check         do not list the sources now (by default each must match at least one file)
  --workdir DIR      projects folder or object-store prefix (s3://bucket/prefix, gs://bucket/prefix;
                     default $REFS_WORKDIR or ./refs-projects); its endpoint from AWS_ENDPOINT_URL_S3 /
                     AWS_ENDPOINT_URL or STORAGE_EMULATOR_HOST, credentials from the SDKs' own chains
  --json             print a JSON summary`,
  valueOptions: VALUE_OPTIONS,
  flags: [...GLOBAL_FLAGS, "anonymous", "force", "no-check"],
  async run(args) {
    const ctx = cliContext(args);
    const csv = option(args, "csv");
    let configs: ProjectConfig[];
    if (csv) {
      if (args.positionals.length > 0) throw new UsageError("give either a project name or --csv, not both");
      configs = projectsFromCsv(await readFile(csv, "utf8"), csv);
    } else {
      const name = args.positionals[0];
      if (!name) throw new UsageError("missing the project name");
      if (args.positionals.length > 1) throw new UsageError(`unexpected argument "${args.positionals[1]}"`);
      if (!args.options.has("source")) throw new UsageError("give at least one --source (or --csv)");
      configs = [fromArgs(checkProjectName(name), args)];
    }
    // a workdir URL with no bucket or no credentials is refused before the sources are listed
    await checkWorkdir(ctx.workdir, ctx.env);
    const created: { name: string; dir: string; sources: string[]; files?: number }[] = [];
    for (const config of configs) {
      // Catch a bad glob or an unreachable bucket now, not at the first scan; and a variable the files do not
      // have (the first file's metadata is scanned: no data read).
      const listed = args.flags.has("no-check")
        ? undefined
        : await listSources(config.sources, storageOptions(config));
      const files = listed?.length;
      const first = listed?.[0];
      if (first && config.compute.variables.length > 0) {
        const problem = await checkVariablesInFirstFile(
          first.url,
          config.compute.variables,
          storageOptions(config),
        );
        if (problem) throw new UsageError(`--variable: ${problem}`);
      }
      const ws = new Workspace(ctx.workdir, config.name);
      const force = args.flags.has("force");
      const exists = (await readBytes(ws.configFile)) !== undefined;
      // created only if absent (a conditional put): of two `refs init` racing, the second is told so
      if ((exists && !force) || (!force && !(await ws.createConfig(config)))) {
        throw new UsageError(
          `project "${config.name}" already exists in ${ws.dir} (use --force to overwrite)`,
        );
      }
      if (force) await ws.saveConfig(config);
      created.push({
        name: config.name,
        dir: ws.dir,
        sources: config.sources,
        ...(files === undefined ? {} : { files }),
      });
    }
    const text = created.map(
      (c) =>
        `created project ${c.name} in ${c.dir}\n  sources: ${c.sources.join(" ")}` +
        (c.files === undefined ? "" : ` (${c.files} files now)`),
    );
    report(ctx, { created }, `${text.join("\n")}\nnext: refs scan ${created[0]?.name ?? "<proj>"}`);
    return EXIT.ok;
  },
};
