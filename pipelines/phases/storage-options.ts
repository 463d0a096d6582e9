import type { StorageOptions } from "../../refs/storage/index.js";
import type { ProjectConfig } from "../project/config.js";

/** The storage options a project's settings ask for. */
export function storageOptions(config: ProjectConfig): StorageOptions {
  return {
    ...(config.storage.s3 ? { s3: config.storage.s3 } : {}),
    ...(config.storage.gcs ? { gcs: config.storage.gcs } : {}),
  };
}
