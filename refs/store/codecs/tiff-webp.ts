/**
 * imagecodecs_webp: one WebP image per TIFF block (compression 50001), lossy or lossless, decoded by libwebp
 * compiled to wasm (@jsquash/webp, which always gives RGBA). Channels as imagecodecs returns them: RGBA when the
 * config says `hasalpha: true` (our scanner writes it for four-sample images, whose opaque tiles libwebp stores
 * without alpha), RGB when it says false, else whatever the bitstream declares.
 */
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { RefsError, registerErrors } from "../../errors.js";
import type { CodecFactory } from "./registry.js";

type Decode = (buffer: ArrayBuffer) => Promise<{ width: number; height: number; data: Uint8ClampedArray }>;

/** A block that is not a WebP image libwebp can read. */
export class WebpError extends RefsError {
  override name = "WebpError";
  constructor(
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`WebP: ${reason}`, options);
  }
}

let decoder: Promise<Decode> | undefined;
/** Node's WebAssembly global (the project's TypeScript lib has no DOM/wasm types). */
const wasmApi = (globalThis as unknown as { WebAssembly: { compile(bytes: Uint8Array): Promise<unknown> } })
  .WebAssembly;

/** The wasm is compiled from the package's own file: its loader would otherwise fetch() a URL. */
function loadDecoder(): Promise<Decode> {
  decoder ??= (async () => {
    const mod = await import("@jsquash/webp/decode.js");
    const wasmPath = createRequire(import.meta.url).resolve("@jsquash/webp/codec/dec/webp_dec.wasm");
    const init = mod.init as unknown as (module: unknown, options: object) => Promise<void>;
    await init(await wasmApi.compile(await readFile(wasmPath)), {});
    return mod.default as unknown as Decode;
  })();
  return decoder;
}

/** Whether the bitstream carries alpha: VP8X flag bit 4, or VP8L's alpha_is_used bit; plain VP8 never. */
export function webpHasAlpha(data: Uint8Array): boolean {
  const tag = (at: number) => String.fromCharCode(...data.subarray(at, at + 4));
  if (data.length < 30 || tag(0) !== "RIFF" || tag(8) !== "WEBP") throw new WebpError("no RIFF/WEBP header");
  const chunk = tag(12);
  if (chunk === "VP8X") return ((data[20] ?? 0) & 0x10) !== 0;
  // VP8L: signature byte 0x2f, then 14 bits width-1, 14 bits height-1, 1 bit alpha_is_used (LSB first)
  if (chunk === "VP8L") return (((data[24] ?? 0) >> 4) & 1) === 1;
  return false;
}

export const tiffWebpCodec: CodecFactory = async (config) => {
  const decode = await loadDecoder();
  const hasalpha = typeof config.hasalpha === "boolean" ? config.hasalpha : undefined;
  return {
    async decode(data) {
      const alpha = hasalpha ?? webpHasAlpha(data);
      let image: Awaited<ReturnType<Decode>>;
      try {
        image = await decode(data.slice().buffer);
      } catch (cause) {
        throw new WebpError("libwebp could not decode the block", { cause });
      }
      const rgba = new Uint8Array(image.data.buffer, image.data.byteOffset, image.data.byteLength);
      if (alpha) return rgba;
      const rgb = new Uint8Array(image.width * image.height * 3);
      for (let i = 0, j = 0; i < rgb.length; i += 3, j += 4) {
        rgb[i] = rgba[j] as number;
        rgb[i + 1] = rgba[j + 1] as number;
        rgb[i + 2] = rgba[j + 2] as number;
      }
      return rgb;
    },
  };
};

registerErrors({ WebpError });
