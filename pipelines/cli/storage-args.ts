/**
 * The storage options every command that opens URLs takes (init, translate): one parser, so the flags mean the
 * same everywhere. Credentials are never flags: the SDKs' own chains (AWS_*, ADC) and STORAGE_EMULATOR_HOST apply.
 */
import type { StorageOptions } from "../../refs/storage/index.js";
import { option, type ParsedArgs } from "./command.js";

export const STORAGE_VALUE_OPTIONS = ["s3-endpoint", "s3-region", "gcs-endpoint"] as const;

export const STORAGE_USAGE = `  --s3-endpoint URL  S3-compatible endpoint (path-style); --s3-region R
  --gcs-endpoint URL GCS-compatible endpoint (or STORAGE_EMULATOR_HOST)
  --anonymous        unsigned requests to public buckets (S3 and GCS)`;

/** S3/GCS settings from --s3-endpoint, --s3-region, --gcs-endpoint and --anonymous (undefined where none given). */
export function storageArgs(args: ParsedArgs): Pick<StorageOptions, "s3" | "gcs"> {
  const s3Endpoint = option(args, "s3-endpoint");
  const s3Region = option(args, "s3-region");
  const gcsEndpoint = option(args, "gcs-endpoint");
  const anonymous = args.flags.has("anonymous") || undefined;
  const out: Pick<StorageOptions, "s3" | "gcs"> = {};
  if (s3Endpoint || s3Region || anonymous) {
    out.s3 = dropUndefined({
      endpoint: s3Endpoint,
      region: s3Region,
      forcePathStyle: s3Endpoint ? true : undefined,
      anonymous,
    });
  }
  if (gcsEndpoint || anonymous) out.gcs = dropUndefined({ apiEndpoint: gcsEndpoint, anonymous });
  return out;
}

function dropUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
