import { createRequire } from "node:module";
import type { Codec } from "./registry.js";

type Bunzip = { decode(input: Buffer): Buffer };

/** numcodecs "bz2" (decode only), through seek-bzip's pure JavaScript bzip2 decoder. */
export function bz2Codec(): Codec {
  const bunzip = createRequire(import.meta.url)("seek-bzip") as Bunzip;
  return {
    decode(data) {
      const out = bunzip.decode(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
      return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
    },
  };
}
