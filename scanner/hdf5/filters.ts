import type { JsonObject } from "../../refs/model/index.js";
import type { Filter } from "./messages/filter-pipeline.js";

const BLOSC_COMPRESSORS = ["blosclz", "lz4", "lz4hc", "snappy", "zlib", "zstd"];

/** HDF5 filters that have no numcodecs codec, by filter id. */
const UNSUPPORTED: Record<number, string> = {
  4: "szip filter",
  5: "nbit filter",
  6: "scale-offset filter",
  32000: "lzf filter",
  32004: "lz4 filter (HDF5 block framing)",
  32008: "bitshuffle filter",
};

/** Result of mapping a pipeline: numcodecs configs in the order HDF5 applied them, or the unsupported feature. */
export type CodecMapping = { codecs: JsonObject[] } | { unsupported: string };

/** Map an HDF5 filter pipeline to numcodecs codec configs (as kerchunk writes them into .zarray "filters"). */
export function filtersToCodecs(filters: Filter[], itemSize: number): CodecMapping {
  const codecs: JsonObject[] = [];
  for (const f of filters) {
    switch (f.id) {
      case 1:
        codecs.push({ id: "zlib", level: f.values[0] ?? 6 });
        break;
      case 2:
        codecs.push({ id: "shuffle", elementsize: itemSize });
        break;
      case 3:
        codecs.push({ id: "fletcher32" });
        break;
      case 32001: {
        const [, , , blocksize = 0, clevel = 5, shuffle = 1, compressor = 0] = f.values;
        const cname = BLOSC_COMPRESSORS[compressor];
        if (!cname) return { unsupported: `blosc compressor ${compressor}` };
        codecs.push({ id: "blosc", blocksize, clevel, cname, shuffle });
        break;
      }
      case 32015:
        codecs.push({ id: "zstd", level: f.values[0] ?? 0 });
        break;
      default:
        return { unsupported: UNSUPPORTED[f.id] ?? `filter id ${f.id}${f.name ? ` (${f.name})` : ""}` };
    }
  }
  return { codecs };
}
