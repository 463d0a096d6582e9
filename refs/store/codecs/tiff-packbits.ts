/** imagecodecs_packbits: PackBits run-length (compression 32773), decoded by geotiff.js. */
import type { CodecFactory } from "./registry.js";
import { geotiffCodec } from "./tiff-geotiff-decoder.js";

export const tiffPackbitsCodec: CodecFactory = () => geotiffCodec(32773);
