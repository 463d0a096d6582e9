import { btreeV1Chunks } from "./btree-v1.js";
import { btreeV2Chunks } from "./btree-v2.js";
import { extensibleArrayChunks } from "./extensible-array.js";
import { fixedArrayChunks } from "./fixed-array.js";
import { implicitChunks } from "./implicit.js";
import { singleChunk } from "./single.js";
import type { ChunkIndexContext, ChunkSink } from "./types.js";

/** Every stored chunk of a chunked dataset, whichever index the layout message names, given to `sink`. */
export async function listChunks(ctx: ChunkIndexContext, sink: ChunkSink): Promise<void> {
  if (ctx.address < 0) return;
  switch (ctx.index.type) {
    case "btree-v1":
      return btreeV1Chunks(ctx, sink);
    case "single":
      return singleChunk(ctx, sink);
    case "implicit":
      return implicitChunks(ctx, sink);
    case "fixed-array":
      return fixedArrayChunks(ctx, sink);
    case "extensible-array":
      return extensibleArrayChunks(ctx, sink);
    case "btree-v2":
      return btreeV2Chunks(ctx, sink);
  }
}
