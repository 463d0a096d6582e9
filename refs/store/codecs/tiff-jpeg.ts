/**
 * imagecodecs_jpeg: a TIFF JPEG tile (compression 7) with the shared JPEGTables from the codec's `tables`
 * (base64), decoded by geotiff.js; YCbCr tiles are converted to RGB when the config asks for RGB output
 * (colorspace_data 2, as tifffile writes for photometric YCbCr), as imagecodecs does.
 */
import { RefsError } from "../../errors.js";
import type { CodecFactory } from "./registry.js";
import { geotiffCodec } from "./tiff-geotiff-decoder.js";
import { jpegFrame, needsYCbCrToRgb, yCbCrToRgb } from "./tiff-jpeg-colour.js";

export const tiffJpegCodec: CodecFactory = async (config) => {
  if (config.bitspersample !== undefined && config.bitspersample !== 8) {
    throw new RefsError(`imagecodecs_jpeg: ${config.bitspersample}-bit JPEG is not supported (8-bit only)`);
  }
  const tables =
    typeof config.tables === "string" ? new Uint8Array(Buffer.from(config.tables, "base64")) : undefined;
  const inner = await geotiffCodec(7, tables ? { JPEGTables: tables } : {});
  return {
    async decode(data) {
      const decoded = await inner.decode(data);
      return needsYCbCrToRgb(config, jpegFrame(data)) ? yCbCrToRgb(decoded) : decoded;
    },
  };
};
