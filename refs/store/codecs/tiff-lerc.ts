/**
 * imagecodecs_lerc: a LERC blob (TIFF compression 34887), decoded by geotiff.js's LERC decoder (the `lerc`
 * package). Deflate/Zstd layered on top (LercParameters) is a separate Zarr compressor in our references, so
 * the decoder runs with no additional compression. Output is pixel-interleaved, in native (little-endian) order.
 */
import type { CodecFactory } from "./registry.js";
import { geotiffCodec } from "./tiff-geotiff-decoder.js";

export const tiffLercCodec: CodecFactory = () => geotiffCodec(34887, { LercParameters: [4, 0] });
