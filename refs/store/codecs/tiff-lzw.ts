/** imagecodecs_lzw: TIFF LZW (compression 5), decoded by geotiff.js. */
import type { CodecFactory } from "./registry.js";
import { geotiffCodec } from "./tiff-geotiff-decoder.js";

export const tiffLzwCodec: CodecFactory = () => geotiffCodec(5);
