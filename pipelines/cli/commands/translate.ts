/**
 * `refs translate <url...>`: the references of each file, for users who just want them (like kerchunk's
 * single-file translators). JSON to stdout without -o; with several inputs and -o, -o is a folder.
 */
import { basename } from "node:path";
import { writeKerchunkJson } from "../../../refs/formats/index.js";
import type { ReferenceSet } from "../../../refs/model/index.js";
import { type StorageOptions, writeObject } from "../../../refs/storage/index.js";
import { type DetectedScan, type OnError, scanFile } from "../../../scanner/index.js";
import { openScanSource } from "../../phases/open-sources.js";
import { type Command, EXIT, type IntegerRange, integerOption, option, UsageError } from "../command.js";
import { STORAGE_USAGE, STORAGE_VALUE_OPTIONS, storageArgs } from "../storage-args.js";

const BYTES: IntegerRange = { min: 0, unit: "bytes" };

const USAGE = `usage: refs translate <url...> [--format json|parquet] [--inline-threshold N] [--on-error raise|warn|skip]
                      [--max-chunk-bytes N] [-o path] [--json] [-q] [storage options]
  url                 local path, file://, https://, s3://, gs:// (HDF5/NetCDF4, NetCDF3, GeoTIFF)
  --format            json (kerchunk JSON v1, default) or parquet (kerchunk Parquet folder; needs -o)
  --inline-threshold  chunks smaller than N bytes are embedded in the references (default 500)
  --max-chunk-bytes   NetCDF3: cut fixed variables larger than N bytes along their first axis into whole-row
                      chunks of at most N bytes where the rows allow (default 0: one chunk, as kerchunk)
  --on-error          what to do with an object that cannot be referenced (unsupported filter or type, corrupt):
                        raise (default)  stop with an error naming the file, the object and the byte offset
                        warn             leave it out, write the rest, report it, exit 3 (partial result)
                        skip             leave it out, write the rest, report it, exit 0
                      the report lists each object left out and why: one line each on stderr ("left out",
                      -q silences it) and under "issues" in the --json summary; objects kept with a caveat
                      (e.g. re-encoded chunks) are listed as "note"
  -o                  output file or folder (local path or URL); several inputs need a folder
  --json              print a JSON summary (files, outputs, issues): to stdout with -o, else to stderr
                      (stdout then carries the references)
${STORAGE_USAGE}
  credentials come from the SDKs' own chains (AWS_* variables or profile; Google ADC)`;

function parseOnError(value: string | undefined): OnError {
  const v = value ?? "raise";
  if (v !== "raise" && v !== "warn" && v !== "skip")
    throw new UsageError(`--on-error must be raise, warn or skip, not "${v}"`);
  return v;
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
  // Arrow and parquet-wasm only when Parquet is asked for
  const { writeKerchunkParquet } = await import("../../../refs/formats/index.js");
  await writeKerchunkParquet(refs, {
    write: (relativePath, bytes) =>
      writeObject(`${target.replace(/\/+$/, "")}/${relativePath}`, bytes, storage),
  });
}

/** One thing the report says about an object: left out of the references, or kept with a caveat. */
interface ReportedIssue {
  object: string;
  feature: string;
  message: string;
  leftOut: boolean;
}

interface FileSummary {
  input: string;
  output: string;
  format: string;
  arrays: number;
  issues: ReportedIssue[];
}

function reported(result: DetectedScan): ReportedIssue[] {
  return result.issues.map((i) => {
    const path = i.object.replace(/^\/+/, "");
    const kept = path !== "" && result.refs.metadata.has(`${path}/.zarray`);
    return { object: i.object, feature: i.feature, message: i.message, leftOut: !kept };
  });
}

export const translateCommand: Command = {
  name: "translate",
  usage: USAGE,
  valueOptions: ["format", "inline-threshold", "max-chunk-bytes", "on-error", "o", ...STORAGE_VALUE_OPTIONS],
  flags: ["v", "verbose", "q", "quiet", "json", "anonymous"],
  async run(args) {
    const inputs = args.positionals;
    if (inputs.length === 0) throw new UsageError("give at least one file or URL");
    const format = option(args, "format") ?? "json";
    if (format !== "json" && format !== "parquet")
      throw new UsageError(`--format must be json or parquet, not "${format}"`);
    const onError = parseOnError(option(args, "on-error"));
    const inlineThreshold = integerOption(args, "inline-threshold", 500, BYTES);
    const maxChunkBytes = integerOption(args, "max-chunk-bytes", 0, BYTES);
    const out = option(args, "o");
    if (format === "parquet" && !out) throw new UsageError("--format parquet writes a folder: give -o");
    const quiet = args.flags.has("q") || args.flags.has("quiet");
    const storage: StorageOptions = storageArgs(args);
    const files: FileSummary[] = [];
    for (const input of inputs) {
      const source = openScanSource(input, storage);
      const result = await scanFile(source, input, { inlineThreshold, onError, maxChunkBytes });
      const issues = reported(result);
      if (!quiet) {
        for (const i of issues)
          console.error(
            `refs translate: ${input}: ${i.leftOut ? "left out" : "note"} ${i.object} (${i.feature}): ${i.message}`,
          );
      }
      const target = out ? outputFor(out, input, inputs.length > 1, format) : "-";
      if (out) await write(result.refs, target, format, storage);
      else process.stdout.write(`${writeKerchunkJson(result.refs)}\n`);
      files.push({ input, output: target, format, arrays: result.refs.arrays.size, issues });
    }
    const leftOut = files.reduce((n, f) => n + f.issues.filter((i) => i.leftOut).length, 0);
    if (args.flags.has("json")) {
      const summary = `${JSON.stringify({ onError, leftOut, files }, null, 2)}\n`;
      if (out) process.stdout.write(summary);
      else process.stderr.write(summary);
    }
    return leftOut > 0 && onError === "warn" ? EXIT.partial : EXIT.ok;
  },
};
