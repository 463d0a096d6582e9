import { latLngToCell } from "h3-js";

/** Where the demo's outputs are, as the examples name them (real paths, so they can be pasted). */
export interface DemoOutputs {
  /** The ERA5-like project's combined references (kerchunk JSON file or Parquet folder). */
  references: string;
  /** The ERA5-like project's H3 Parquet folder. */
  h3: string;
}

/** Opening the outputs from Python without the API: xarray through the references, DuckDB on the H3 table. */
export function fileExamples(o: DemoOutputs): string {
  return `
From Python:
  import xarray as xr   # the references, through fsspec's reference:// filesystem
  ds = xr.open_dataset("reference://", engine="zarr", backend_kwargs={"consolidated": False,
       "storage_options": {"fo": ${JSON.stringify(o.references)}}})
  tp = ds.tp * ds.tp_scale_factor + ds.tp_add_offset   # each day's file has its own packing, as from the CDS
  import duckdb         # the H3 table
  duckdb.sql("SELECT * FROM read_parquet('${o.h3.replace(/'/g, "''")}/**/*.parquet', hive_partitioning=true) LIMIT 5")`;
}

/** What the demo prints once the API is up: where it is and searches to try with curl and pystac-client. */
export function exampleSearches(base: string, collection: string, raster: string): string {
  const cell = latLngToCell(45, 10, 2);
  return `
STAC API at ${base}/   (Ctrl-C to stop)
  landing page   ${base}/
  collections    ${base}/collections
  items          ${base}/collections/${collection}/items?limit=5
                 ${base}/collections/${raster}/items
  OpenAPI        ${base}/api

Searches:
  curl '${base}/search?collections=${collection}&datetime=2022-01-02T00:00:00Z/2022-01-02T23:59:59Z&limit=3'
  curl '${base}/search?collections=${collection}&h3=${cell}&limit=3'
  curl -X POST ${base}/search -H 'content-type: application/json' \\
    -d '{"collections":["${collection}"],"filter-lang":"cql2-json","filter":{"op":">","args":[{"property":"stats:tp:max"},0.01]}}'
  curl '${base}/search?collections=${raster}&filter=${encodeURIComponent('"stats:0:max" > 450')}'

  from pystac_client import Client
  items = Client.open("${base}").search(collections=["${collection}"], datetime="2022-01-02").item_collection()`;
}
