/** The public surface of catalog-api: the STAC API app and server, the catalog stores, STAC building and schemas. */
export { createApp } from "./api/app.js";
export { forkServers, isServingWorker, leaveCluster } from "./api/cluster.js";
export { checkPublicUrl, hostAllowList } from "./api/public-url.js";
export { startServer } from "./api/server.js";
export { DEFAULT_POOL_SIZE, PostgresStore } from "./backend/postgres-store.js";
export { SqliteStore } from "./backend/sqlite-store.js";
export type { CatalogStore } from "./backend/store.js";
export { DataRootError, DataRoots } from "./cells/data-roots.js";
export { catalogProject, catalogProjectStreamed } from "./stac/catalog-project.js";
export {
  FILE_EXTENSION,
  ITEM_ASSETS_EXTENSION,
  TABLE_EXTENSION,
  XARRAY_ASSETS_EXTENSION,
} from "./stac/extensions.js";
export type { PartitionDescription, ReferenceSetDescription, TimeDescription } from "./stac/inputs.js";
export { folderSchemaLoader, type SchemaLoader, schemaFolderPath } from "./stac/schema-folder.js";
export { SchemaSet } from "./stac/schema-set.js";
export { stagingFolders } from "./stac/static-catalog.js";
export { STAC_VERSION } from "./stac/types.js";
