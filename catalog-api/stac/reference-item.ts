import { CatalogInputError } from "../errors.js";
import { bboxPolygon, checkBbox } from "../geometry/geojson.js";
import {
  FILE_EXTENSION,
  KERCHUNK_JSON_MEDIA_TYPE,
  KERCHUNK_PARQUET_MEDIA_TYPE,
  XARRAY_ASSETS_EXTENSION,
} from "./extensions.js";
import { coverage } from "./h3-coverage.js";
import { idFromHref, sha256Multihash } from "./ids.js";
import type { ReferenceSetDescription } from "./inputs.js";
import { timeProperties } from "./time.js";
import { type JsonObject, STAC_VERSION, type StacItem } from "./types.js";

/**
 * The Item of one reference set. Its asset has roles data + references and carries what Python needs to open it:
 * `xarray.open_dataset("reference://", **asset["xarray:open_kwargs"])` (the xarray-assets extension, declared; fsspec's ReferenceFileSystem reads JSON files and Parquet folders alike). `absoluteHref` is the reference
 * set's full URL, used for `fo`, which readers resolve against their own working directory.
 */
export function referenceItem(
  r: ReferenceSetDescription,
  collection: string,
  absoluteHref = r.href,
): StacItem {
  const where = `reference set ${r.href}`;
  if (r.format !== "json" && r.format !== "parquet")
    throw new CatalogInputError(`format must be json or parquet`, where);
  if (r.variables.length === 0) throw new CatalogInputError("lists no variables", where);
  const bbox = checkBbox(r.bbox, `${where} bbox`);
  const storage: JsonObject = { fo: absoluteHref, remote_protocol: r.remoteProtocol };
  if (r.remoteOptions) storage.remote_options = r.remoteOptions as JsonObject;
  const asset: JsonObject = {
    href: r.href,
    type: r.format === "json" ? KERCHUNK_JSON_MEDIA_TYPE : KERCHUNK_PARQUET_MEDIA_TYPE,
    roles: ["data", "references"],
    title: `kerchunk references (${r.format})`,
    description: 'Open with xarray.open_dataset("reference://", **asset["xarray:open_kwargs"])',
    "xarray:open_kwargs": { engine: "zarr", chunks: {}, consolidated: false, storage_options: storage },
    "xarray:storage_options": storage,
  };
  const h3: JsonObject = {};
  if (r.h3) {
    const { resolution, cells } = r.h3;
    if (!Number.isInteger(resolution) || resolution < 0 || resolution > 15)
      throw new CatalogInputError(`h3 resolution must be 0..15, found ${resolution}`, where);
    h3["h3:resolution"] = resolution;
    h3["h3:cells"] = coverage(cells, `${where} h3 cells`).cells;
  }
  if (r.size !== undefined) asset["file:size"] = r.size;
  if (r.sha256 !== undefined) asset["file:checksum"] = sha256Multihash(r.sha256, where);
  return {
    type: "Feature",
    stac_version: STAC_VERSION,
    stac_extensions: [
      ...(r.size !== undefined || r.sha256 !== undefined ? [FILE_EXTENSION] : []),
      XARRAY_ASSETS_EXTENSION,
    ],
    id: r.id ?? idFromHref(r.href),
    collection,
    geometry: bboxPolygon(bbox) as unknown as JsonObject,
    bbox,
    properties: {
      ...timeProperties(r.time, where),
      "refs:variables": r.variables,
      "refs:format": r.format,
      ...h3,
      ...(r.extra ?? {}),
    },
    links: [],
    assets: { references: asset },
  };
}
