import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { FileStore } from "../../refs/storage/file-store.js";
import { describeStoreConformance } from "./conformance.js";

for (const form of ["plain path", "file:// URL"] as const) {
  describeStoreConformance(`file (${form})`, async () => {
    const root = await mkdtemp(join(tmpdir(), "refs-file-store-"));
    const base = form === "plain path" ? `${root}/` : `${pathToFileURL(root).href}/`;
    return {
      store: new FileStore(),
      base,
      canWrite: true,
      close: () => rm(root, { recursive: true, force: true }),
    };
  });
}
