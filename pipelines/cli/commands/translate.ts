/**
 * `refs translate <url...>`: the references of each file, for users who just want them (like kerchunk's
 * single-file translators). JSON to stdout without -o; with several inputs and -o, -o is a folder.
 */
import { basename } from "node:path";
import { writeKerchunkJson } from "../../../refs/formats/kerchunk-json.js";
import { writeKerchunkParquet } from "../../../refs/formats/kerchunk-parquet/index.js";
import type { ReferenceSet } from "../../../refs/model/reference-set.js";
import type { StorageOptions } from "../../../refs/storage/options.js";
import { openWithDefaults, writeObject } from "../../../refs/storage/registry.js";
import { type OnError, scanFile } from "../../../scanner/index.js";
import { type Command, EXIT, option, UsageError } from "../command.js";

const USAGE = `usage: refs translate <url...> [--format json|parquet] [--inline-threshold N] [--on-error raise|warn|skip]
                      [-o path] [--s3-endpoint URL]
  url                 local path, file://, https://, s3://, gs:// (HDF5/NetCDF4, NetCDF3, GeoTIFF)
  --format            json (kerchunk JSON v1, default) or parquet (kerchunk Parquet folder; needs -o)
  --inline-threshold  chunks smaller than N bytes are embedded in the references (default 500)
  --on-error          raise (default): stop at the first unsupported object; warn: leave it out and say so on
                      stderr (exit 3); skip: leave it out silently
  -o                  output file or folder (local path or URL); several inputs need a folder
  --s3-endpoint       an S3-compatible endpoint (path-style addressing); credentials from the AWS environment`;

function parseOnError(value: string | undefined): OnError {
  const v = value ?? "raise";
  if (v !== "raise" && v !== "warn" && v !== "skip")
    throw new UsageError(`--on-error must be raise, warn or skip, not "${v}"`);
  return v;
}

function parseThreshold(value: string | undefined): number {
  if (value === undefined) return 500;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new UsageError(`--inline-threshold must be a whole number of bytes, not "${value}"`);
  return n;
}

/** Where the references of `input` go: -o itself for one input, else `<-o>/<file name>.<ext>`. */
function outputFor(out: string, input: string, several: boolean, format: string): string {
  if (!several) return out;
  const name = basename(input.replace(/[?#].*$/, "")) || "refs";
  return `${out.replace(/\/+$/, "")}/${name}.${format === "json" ? "json" : "parq"}`;
}

async function write(
  refs: ReferenceSet,
  target: string,
  format: string,
  storage: StorageOptions,
): Promise<void> {
  if (format === "json") {
    await writeObject(target, new TextEncoder().encode(writeKerchunkJson(refs)), storage);
    return;
  }
  await writeKerchunkParquet(refs, {
    write: (relativePath, bytes) =>
      writeObject(`${target.replace(/\/+$/, "")}/${relativePath}`, bytes, storage),
  });
}

export const translateCommand: Command = {
  name: "translate",
  summary: "references of single files, as kerchunk JSON or Parquet (no project needed)",
  usage: USAGE,
  valueOptions: ["format", "inline-threshold", "on-error", "o", "s3-endpoint"],
  flags: ["v", "verbose"],
  async run(args) {
    const inputs = args.positionals;
    if (inputs.length === 0) throw new UsageError("give at least one file or URL");
    const format = option(args, "format") ?? "json";
    if (format !== "json" && format !== "parquet")
      throw new UsageError(`--format must be json or parquet, not "${format}"`);
    const onError = parseOnError(option(args, "on-error"));
    const inlineThreshold = parseThreshold(option(args, "inline-threshold"));
    const out = option(args, "o");
    if (format === "parquet" && !out) throw new UsageError("--format parquet writes a folder: give -o");
    const endpoint = option(args, "s3-endpoint");
    const storage: StorageOptions = endpoint ? { s3: { endpoint, forcePathStyle: true } } : {};
    let issues = 0;
    for (const input of inputs) {
      const source = openWithDefaults(input, storage);
      const result = await scanFile(source, input, { inlineThreshold, onError });
      for (const issue of result.issues) {
        issues++;
        if (onError === "warn")
          console.error(
            `refs translate: ${input}: left out ${issue.object} (${issue.feature}): ${issue.message}`,
          );
      }
      if (out) await write(result.refs, outputFor(out, input, inputs.length > 1, format), format, storage);
      else process.stdout.write(`${writeKerchunkJson(result.refs)}\n`);
    }
    return issues > 0 && onError === "warn" ? EXIT.partial : EXIT.ok;
  },
};
