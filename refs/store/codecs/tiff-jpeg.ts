/**
 * imagecodecs_jpeg: a TIFF JPEG tile (compression 7) with the shared JPEGTables from the codec's `tables`
 * (base64), decoded by geotiff.js, which converts YCbCr to RGB for 3-component images.
 */
import { RefsError } from "../../errors.js";
import type { CodecFactory } from "./registry.js";
import { geotiffCodec } from "./tiff-geotiff-decoder.js";

export const tiffJpegCodec: CodecFactory = (config) => {
  if (config.bitspersample !== undefined && config.bitspersample !== 8) {
    throw new RefsError(`imagecodecs_jpeg: ${config.bitspersample}-bit JPEG is not supported (8-bit only)`);
  }
  const tables =
    typeof config.tables === "string" ? new Uint8Array(Buffer.from(config.tables, "base64")) : undefined;
  return geotiffCodec(7, tables ? { JPEGTables: tables } : {});
};
