/**
 * Decoding a variable whose files were packed with different scale_factor/add_offset: the combined set carries
 * each file's coefficients as arrays along the concat dimensions (refs/model/per-file-packing.ts), and every
 * element along those dimensions gets the decoder of the file it came from.
 */
import { perFilePacking, type ReferenceSet } from "../../refs/model/index.js";
import { ComputeConfigError } from "../errors.js";
import { type ArrayInfo, type ArrayReader, arrayInfo, readWhole } from "../source.js";
import { cfDecoder, type Decoder } from "./decode.js";

export interface PerFileDecoders {
  /** The variable's axes the coefficients vary along, and their sizes. */
  axes: number[];
  shape: number[];
  /** One decoder per element of those axes, C order (shared between elements of the same file). */
  decoders: Decoder[];
}

export async function perFileDecoders(
  refs: ReferenceSet,
  info: ArrayInfo,
  read: ArrayReader,
): Promise<PerFileDecoders | undefined> {
  const packing = perFilePacking(info.path, info.attrs);
  if (!packing) return undefined;
  const coefficient = async (path: string | undefined) => {
    if (!path) return undefined;
    const c = arrayInfo(refs, path);
    return { info: c, values: await readWhole(read, c) };
  };
  const scale = await coefficient(packing.scaleFactor);
  const offset = await coefficient(packing.addOffset);
  const dims = (scale ?? offset)?.info.dims ?? [];
  const axes = dims.map((d) => {
    const axis = info.dims.indexOf(d);
    if (axis < 0) {
      throw new ComputeConfigError(
        "variables",
        `${info.path}: its per-file packing varies along "${d}", which the variable does not have`,
      );
    }
    return axis;
  });
  const shape = axes.map((a) => info.shape[a] as number);
  const count = shape.reduce((a, b) => a * b, 1);
  for (const c of [scale, offset]) {
    if (c && c.values.length !== count) {
      throw new ComputeConfigError(
        "variables",
        `${c.info.path} holds ${c.values.length} coefficients, ${info.path} needs ${count} (one per step)`,
      );
    }
  }
  const cache = new Map<string, Decoder>();
  const decoders = Array.from({ length: count }, (_, i) => {
    const s = scale ? (scale.values[i] as number) : 1;
    const o = offset ? (offset.values[i] as number) : 0;
    const key = `${s}/${o}`;
    let decoder = cache.get(key);
    if (!decoder) {
      decoder = cfDecoder({ ...info, attrs: { ...info.attrs, scale_factor: s, add_offset: o } });
      cache.set(key, decoder);
    }
    return decoder;
  });
  return { axes, shape, decoders };
}

/** The decoder of one element, given its index along each of the variable's axes (others ignored). */
export function decoderAt(p: PerFileDecoders, index: (axis: number) => number): Decoder {
  let flat = 0;
  p.axes.forEach((axis, k) => {
    flat = flat * (p.shape[k] as number) + index(axis);
  });
  return p.decoders[flat] as Decoder;
}
