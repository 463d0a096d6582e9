import type { JsonObject } from "../../model/index.js";
import type { Codec, CodecFactory } from "./registry.js";

type Constructor = { fromConfig(config: JsonObject & { id: string }): Codec };

/** blosc, zstd and lz4 come from the `numcodecs` package (wasm builds of the C libraries numcodecs uses). */
export async function wasmCodec(name: "Blosc" | "Zstd" | "LZ4"): Promise<CodecFactory> {
  const module = (await import("numcodecs")) as unknown as Record<string, Constructor>;
  const codecClass = module[name] as Constructor;
  return (config) => codecClass.fromConfig({ ...config, id: String(config.id) });
}
