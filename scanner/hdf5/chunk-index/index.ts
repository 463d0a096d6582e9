import { btreeV1Chunks } from "./btree-v1.js";
import { btreeV2Chunks } from "./btree-v2.js";
import { extensibleArrayChunks } from "./extensible-array.js";
import { fixedArrayChunks } from "./fixed-array.js";
import { implicitChunks } from "./implicit.js";
import { singleChunk } from "./single.js";
import type { ChunkIndexContext, StoredChunk } from "./types.js";

/** Every stored chunk of a chunked dataset, whichever index the layout message names. */
export async function listChunks(ctx: ChunkIndexContext): Promise<StoredChunk[]> {
  if (ctx.address < 0) return [];
  switch (ctx.index.type) {
    case "btree-v1":
      return btreeV1Chunks(ctx);
    case "single":
      return singleChunk(ctx);
    case "implicit":
      return implicitChunks(ctx);
    case "fixed-array":
      return fixedArrayChunks(ctx);
    case "extensible-array":
      return extensibleArrayChunks(ctx);
    case "btree-v2":
      return btreeV2Chunks(ctx);
  }
}
