import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { ParquetRefsReader, ParquetRefsWriter } from "../../refs/formats/kerchunk-parquet/index.js";

/** A folder on disk as a Parquet reference root. */
export function folderRefs(root: string): ParquetRefsReader & ParquetRefsWriter {
  return {
    async read(rel) {
      try {
        return new Uint8Array(await readFile(join(root, rel)));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
        throw error;
      }
    },
    async write(rel, bytes) {
      await mkdir(dirname(join(root, rel)), { recursive: true });
      await writeFile(join(root, rel), bytes);
    },
  };
}
