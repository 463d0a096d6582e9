import { registry } from "zarrita";
import type { JsonObject } from "../model/index.js";
import { codecIds, getCodec } from "./codecs/registry.js";

/**
 * Feed zarrita's codec registry from ours: every id we have and zarrita lacks (shuffle, fletcher32, the TIFF
 * codecs, ...) becomes a bytes-to-bytes codec named "numcodecs.<id>", the name zarrita gives Zarr v2 filters
 * and compressors. Call after importing ./codecs/index.js (and any module registering more codecs).
 */
export function registerCodecsWithZarrita(): string[] {
  const added: string[] = [];
  for (const id of codecIds()) {
    const name = `numcodecs.${id}`;
    if (registry.has(name)) continue;
    const Adapter = {
      fromConfig(configuration: JsonObject) {
        const codec = getCodec({ ...configuration, id });
        return {
          kind: "bytes_to_bytes" as const,
          async decode(bytes: Uint8Array) {
            return (await codec).decode(bytes);
          },
          async encode(bytes: Uint8Array) {
            const c = await codec;
            if (!c.encode) throw new Error(`codec "${id}" cannot encode`);
            return c.encode(bytes);
          },
        };
      },
    };
    registry.set(name, async () => Adapter as never);
    added.push(name);
  }
  return added;
}
