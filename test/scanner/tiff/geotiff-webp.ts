/**
 * geotiff.js decodes WebP only in browsers (createImageBitmap); for the value oracle in Node we give it libwebp
 * (the same wasm build our codec uses: both decoders are deterministic, so lossy tiles compare exactly). What the
 * oracle checks independently is geotiff.js's own block assembly, channel count and sparse-tile handling.
 */
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import decode, { init } from "@jsquash/webp/decode.js";
import { addDecoder, BaseDecoder } from "geotiff";

let ready: Promise<void> | undefined;

class LibwebpDecoder extends BaseDecoder {
  override async decodeBlock(buffer: ArrayBuffer): Promise<ArrayBuffer> {
    const image = await decode(buffer);
    const samples = this.parameters.samplesPerPixel ?? 4;
    if (samples === 4) return image.data.buffer as ArrayBuffer;
    const rgb = new Uint8Array(image.width * image.height * 3);
    for (let i = 0, j = 0; i < rgb.length; i += 3, j += 4) rgb.set(image.data.subarray(j, j + 3), i);
    return rgb.buffer;
  }
}

/** Registers libwebp as geotiff.js's decoder for compression 50001 (idempotent). */
export function registerGeotiffWebp(): Promise<void> {
  ready ??= (async () => {
    const wasmPath = createRequire(import.meta.url).resolve("@jsquash/webp/codec/dec/webp_dec.wasm");
    const wasm = (globalThis as unknown as { WebAssembly: { compile(b: Uint8Array): Promise<unknown> } })
      .WebAssembly;
    await (init as unknown as (m: unknown, o: object) => Promise<void>)(
      await wasm.compile(await readFile(wasmPath)),
      {},
    );
    // only the sample count matters: WebP blocks carry their own size and TIFF predictors do not apply
    addDecoder(
      50001,
      async () => LibwebpDecoder,
      async (fd) => ({
        tileWidth: 0,
        tileHeight: 0,
        predictor: 1,
        bitsPerSample: 8,
        planarConfiguration: 1,
        samplesPerPixel: Number(await fd.loadValue("SamplesPerPixel")) || 4,
      }),
      false,
    );
  })();
  return ready;
}
