import { deflateSync, gunzipSync, gzipSync, inflateSync } from "node:zlib";
import type { JsonObject } from "../../model/index.js";
import type { Codec } from "./registry.js";

function level(config: JsonObject): number {
  return typeof config.level === "number" ? config.level : 1;
}

/** numcodecs "zlib": zlib stream (RFC 1950), as HDF5's deflate filter writes it. */
export function zlibCodec(config: JsonObject): Codec {
  return {
    decode: (data) => new Uint8Array(inflateSync(data)),
    encode: (data) => new Uint8Array(deflateSync(data, { level: level(config) })),
  };
}

/** numcodecs "gzip": gzip member (RFC 1952). */
export function gzipCodec(config: JsonObject): Codec {
  return {
    decode: (data) => new Uint8Array(gunzipSync(data)),
    encode: (data) => new Uint8Array(gzipSync(data, { level: level(config) })),
  };
}
