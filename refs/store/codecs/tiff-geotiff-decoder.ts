/**
 * TIFF block decoders borrowed from geotiff.js (LZW, PackBits, JPEG): its decoder registry by TIFF compression
 * code, called for the raw block only (predictors are separate Zarr filters here).
 */
import { getDecoder } from "geotiff";
import type { Codec } from "./registry.js";

/** Parameters geotiff.js decoders read; only JPEG uses any (its tables), predictor 1 keeps decode raw. */
const RAW_BLOCK = { tileWidth: 0, tileHeight: 0, predictor: 1, bitsPerSample: 8, planarConfiguration: 1 };

export async function geotiffCodec(compression: number, extra: Record<string, unknown> = {}): Promise<Codec> {
  const decoder = await getDecoder(compression, { ...RAW_BLOCK, ...extra } as never);
  return {
    decode: async (data) => {
      const copy = data.slice().buffer;
      return new Uint8Array(await decoder.decodeBlock(copy));
    },
  };
}
