/**
 * imagecodecs_lzma: TIFF compression 34925, which libtiff writes as an .xz stream (lzma_stream_encoder) and
 * imagecodecs decodes with liblzma's auto decoder. Decoded by xz-embedded compiled to wasm (xz-decompress);
 * libtiff's Delta filter is undone beside it (xz-delta.ts); a raw LZMA-alone stream (no xz magic) is refused by
 * name rather than misread.
 */
import { RefsError, registerErrors } from "../../errors.js";
import type { CodecFactory } from "./registry.js";
import { undoDelta, withoutDelta } from "./xz-delta.js";

const XZ_MAGIC = [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00];

/** A block that is not an .xz stream, or one that fails to decompress. */
export class LzmaError extends RefsError {
  override name = "LzmaError";
  constructor(
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`LZMA: ${reason}`, options);
  }
}

export const tiffLzmaCodec: CodecFactory = async () => {
  // a CommonJS module: its export is on the default object under Node's ESM loader
  const { XzReadableStream } = (await import("xz-decompress")).default;
  return {
    async decode(data) {
      if (!XZ_MAGIC.every((b, i) => data[i] === b))
        throw new LzmaError("block is not an .xz stream (LZMA-alone and raw LZMA streams are not supported)");
      let plain: ReturnType<typeof withoutDelta>;
      try {
        plain = withoutDelta(data);
      } catch (cause) {
        throw new LzmaError("unsupported .xz stream", { cause });
      }
      try {
        const input = new Blob([plain?.data ?? data.slice()]).stream();
        const out = new Uint8Array(await new Response(new XzReadableStream(input)).arrayBuffer());
        return plain ? undoDelta(out, plain.deltas) : out;
      } catch (cause) {
        throw new LzmaError("the .xz stream failed to decompress", { cause });
      }
    },
  };
};

registerErrors({ LzmaError });
