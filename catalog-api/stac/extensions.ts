/** Extension schemas the builders declare. */
export const TABLE_EXTENSION = "https://stac-extensions.github.io/table/v1.2.0/schema.json";
export const FILE_EXTENSION = "https://stac-extensions.github.io/file/v2.1.0/schema.json";
/** `item_assets` of a STAC 1.0.0 Collection (core only from STAC 1.1). */
export const ITEM_ASSETS_EXTENSION = "https://stac-extensions.github.io/item-assets/v1.0.0/schema.json";
/** `xarray:open_kwargs` and `xarray:storage_options` of an asset. */
export const XARRAY_ASSETS_EXTENSION = "https://stac-extensions.github.io/xarray-assets/v1.0.0/schema.json";
export const PARQUET_MEDIA_TYPE = "application/vnd.apache.parquet";
export const KERCHUNK_JSON_MEDIA_TYPE = "application/json";
/** A kerchunk Parquet reference set is a folder (.zmetadata + refs.N.parq), opened as a whole. */
export const KERCHUNK_PARQUET_MEDIA_TYPE = "application/vnd+zarr; profile=kerchunk-parquet";

/** Flat, queryable per-variable statistics: `stats:<variable>:min|max|mean`. */
export function statisticName(variable: string, stat: "min" | "max" | "mean"): string {
  return `stats:${variable}:${stat}`;
}
