/**
 * Registers the built-in codecs (numcodecs ids). Import this module once before reading chunks; each codec's
 * implementation loads the first time a chunk needs it. One line per codec: other helpers add theirs here.
 */
import { registerCodec } from "./registry.js";

registerCodec("zlib", async () => (await import("./zlib.js")).zlibCodec);
registerCodec("gzip", async () => (await import("./zlib.js")).gzipCodec);
registerCodec("shuffle", async () => (await import("./shuffle.js")).shuffleCodec);
registerCodec("fletcher32", async () => (await import("./fletcher32.js")).fletcher32Codec);
registerCodec("blosc", async () => (await import("./numcodecs-wasm.js")).wasmCodec("Blosc"));
registerCodec("zstd", async () => (await import("./numcodecs-wasm.js")).wasmCodec("Zstd"));
registerCodec("lz4", async () => (await import("./numcodecs-wasm.js")).wasmCodec("LZ4"));
registerCodec("bz2", async () => (await import("./bz2.js")).bz2Codec);
registerCodec("delta", async () => (await import("./numeric.js")).deltaCodec);
registerCodec("fixedscaleoffset", async () => (await import("./numeric.js")).fixedScaleOffsetCodec);
registerCodec("imagecodecs_lzw", async () => (await import("./tiff-lzw.js")).tiffLzwCodec);
registerCodec("imagecodecs_packbits", async () => (await import("./tiff-packbits.js")).tiffPackbitsCodec);
registerCodec("imagecodecs_jpeg", async () => (await import("./tiff-jpeg.js")).tiffJpegCodec);
registerCodec("imagecodecs_delta", async () => (await import("./tiff-delta.js")).tiffDeltaCodec);
registerCodec("imagecodecs_floatpred", async () => (await import("./tiff-floatpred.js")).tiffFloatPredCodec);
registerCodec("imagecodecs_packints", async () => (await import("./tiff-packints.js")).tiffPackintsCodec);
registerCodec("imagecodecs_webp", async () => (await import("./tiff-webp.js")).tiffWebpCodec);
registerCodec("imagecodecs_lzma", async () => (await import("./tiff-lzma.js")).tiffLzmaCodec);
registerCodec("imagecodecs_lerc", async () => (await import("./tiff-lerc.js")).tiffLercCodec);

export * from "./registry.js";
