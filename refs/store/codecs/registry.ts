import { RefsError, registerErrors } from "../../errors.js";
import type { JsonObject } from "../../model/index.js";

/**
 * A numcodecs-compatible codec: configured from its Zarr v2 JSON (`{"id": "zlib", "level": 4}`), decoding the
 * bytes of one chunk. Filters and compressors share this shape; Zarr applies the compressor's decode first,
 * then the filters' decodes in reverse order.
 */
export interface Codec {
  decode(data: Uint8Array): Uint8Array | Promise<Uint8Array>;
  encode?(data: Uint8Array): Uint8Array | Promise<Uint8Array>;
}

export type CodecFactory = (config: JsonObject) => Codec | Promise<Codec>;

/** The codec id is not registered. */
export class UnknownCodecError extends RefsError {
  override name = "UnknownCodecError";
  constructor(readonly codecId: string) {
    super(`no codec registered for id "${codecId}"`);
  }
}

/** A codec failed on some chunk; names the codec and, where known, the chunk key. */
export class CodecError extends RefsError {
  override name = "CodecError";
  constructor(
    readonly codecId: string,
    readonly key: string | undefined,
    options?: { cause?: unknown },
  ) {
    const reason = options?.cause instanceof Error ? `: ${options.cause.message}` : "";
    super(`codec "${codecId}" failed${key ? ` on ${key}` : ""}${reason}`, options);
  }
}

/** Lazy registry: a codec's module is loaded the first time a chunk needs it. */
const loaders = new Map<string, () => Promise<CodecFactory>>();
const loaded = new Map<string, Promise<CodecFactory>>();

export function registerCodec(id: string, loader: () => Promise<CodecFactory>): void {
  loaders.set(id, loader);
  loaded.delete(id);
}

/** Every registered codec id. */
export function codecIds(): string[] {
  return [...loaders.keys()];
}

export function hasCodec(id: string): boolean {
  return loaders.has(id);
}

export async function getCodec(config: JsonObject): Promise<Codec> {
  const id = String(config.id);
  const loader = loaders.get(id);
  if (!loader) throw new UnknownCodecError(id);
  let factory = loaded.get(id);
  if (!factory) {
    factory = loader();
    loaded.set(id, factory);
  }
  return (await factory)(config);
}

registerErrors({ UnknownCodecError, CodecError });
