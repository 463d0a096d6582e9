import { RefsError, registerErrors } from "../../errors.js";
import type { Codec } from "./registry.js";

/** The stored Fletcher-32 checksum does not match the chunk's bytes. */
export class ChecksumError extends RefsError {
  override name = "ChecksumError";
  constructor(
    readonly stored: number,
    readonly computed: number,
  ) {
    super(
      `fletcher32 checksum mismatch: stored 0x${stored.toString(16)}, computed 0x${computed.toString(16)}`,
    );
  }
}

/**
 * HDF5's Fletcher-32 over 16-bit big-endian words (an odd trailing byte counts as the high byte), as numcodecs'
 * "fletcher32" computes it.
 */
export function fletcher32(data: Uint8Array): number {
  let sum1 = 0;
  let sum2 = 0;
  const words = data.length >> 1;
  let i = 0;
  // Reduce every 360 words so the sums stay below 2^32 (the classic bound for 16-bit words).
  for (let left = words; left > 0; ) {
    const n = Math.min(left, 360);
    left -= n;
    for (let k = 0; k < n; k++, i += 2) {
      sum1 += ((data[i] as number) << 8) | (data[i + 1] as number);
      sum2 += sum1;
    }
    sum1 = (sum1 & 0xffff) + (sum1 >>> 16);
    sum2 = (sum2 & 0xffff) + (sum2 >>> 16);
  }
  if (data.length & 1) {
    sum1 += (data[data.length - 1] as number) << 8;
    sum2 += sum1;
    sum1 = (sum1 & 0xffff) + (sum1 >>> 16);
    sum2 = (sum2 & 0xffff) + (sum2 >>> 16);
  }
  sum1 = (sum1 & 0xffff) + (sum1 >>> 16);
  sum2 = (sum2 & 0xffff) + (sum2 >>> 16);
  return ((sum2 << 16) | sum1) >>> 0;
}

/** numcodecs "fletcher32": the last 4 bytes are the little-endian checksum of the rest; decode checks and strips it. */
export function fletcher32Codec(): Codec {
  return {
    decode(data) {
      if (data.length < 4) throw new RefsError(`fletcher32: chunk of ${data.length} bytes has no checksum`);
      const body = data.subarray(0, data.length - 4);
      const view = new DataView(data.buffer, data.byteOffset + data.length - 4, 4);
      const stored = view.getUint32(0, true);
      const computed = fletcher32(body);
      if (stored !== computed) throw new ChecksumError(stored, computed);
      return body;
    },
    encode(data) {
      const out = new Uint8Array(data.length + 4);
      out.set(data);
      new DataView(out.buffer).setUint32(data.length, fletcher32(data), true);
      return out;
    },
  };
}

registerErrors({ ChecksumError });
