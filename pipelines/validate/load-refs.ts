import { readKerchunkJson, readKerchunkParquet } from "../../refs/formats/index.js";
import type { ReferenceSet } from "../../refs/model/index.js";
import { NotFoundError, openSource, type StorageOptions } from "../../refs/storage/index.js";

async function readWhole(url: string, storage: StorageOptions): Promise<Uint8Array> {
  const source = openSource(url, storage);
  return source.fetch(0, await source.size());
}

/** Load references from a kerchunk JSON file or a kerchunk Parquet folder (any URL scheme). */
export async function loadReferences(url: string, storage: StorageOptions = {}): Promise<ReferenceSet> {
  const root = url.replace(/\/+$/, "");
  const zmetadata = `${root}/.zmetadata`;
  let isParquet = false;
  try {
    await openSource(zmetadata, storage).size();
    isParquet = true;
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
  }
  if (isParquet) {
    return readKerchunkParquet(
      {
        async read(rel) {
          try {
            return await readWhole(`${root}/${rel}`, storage);
          } catch (error) {
            if (error instanceof NotFoundError) return undefined;
            throw error;
          }
        },
      },
      { name: url },
    );
  }
  return readKerchunkJson(new TextDecoder().decode(await readWhole(url, storage)), { file: url });
}

/** Chunk URLs as written in the references -> URLs to open: relative names resolve against the refs' folder. */
export function resolverFor(refsUrl: string): (url: string) => string {
  const cut = refsUrl.replace(/\/+$/, "").lastIndexOf("/");
  const folder = cut < 0 ? "." : refsUrl.slice(0, cut);
  const parquetRoot = refsUrl.replace(/\/+$/, "");
  return (url) => {
    if (/^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.test(url) || url.startsWith("/")) return url;
    return `${refsUrl.endsWith("/") ? parquetRoot : folder}/${url}`;
  };
}

/** Every URL the references point at, in order of first appearance. */
export function referencedUrls(refs: ReferenceSet): string[] {
  const seen = new Set<string>();
  for (const table of refs.arrays.values()) for (const p of table.paths) seen.add(p);
  return [...seen];
}
