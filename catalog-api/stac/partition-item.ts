import { CatalogInputError } from "../errors.js";
import { FILE_EXTENSION, PARQUET_MEDIA_TYPE, statisticName, TABLE_EXTENSION } from "./extensions.js";
import { CELL_BUDGET, coverage } from "./h3-coverage.js";

/** Cells an item's outline is drawn from at most (coarser above it): a partition item's geometry stays small
 * and quick to draw, thousands of items a second. */
export const PARTITION_OUTLINE_CELLS = 1_000;

import { idFromHref, sha256Multihash } from "./ids.js";
import type { PartitionDescription } from "./inputs.js";
import { timeProperties } from "./time.js";
import { type JsonObject, STAC_VERSION, type StacItem } from "./types.js";

/**
 * The Item of one H3 Parquet partition: geometry = outline of the cells it covers, `h3:*` coverage, time,
 * per-variable statistics (flat `stats:<var>:min|max|mean`), `table:` columns and rows, `file:` size and checksum.
 */
export function partitionItem(p: PartitionDescription, collection: string): StacItem {
  const id = p.id ?? idFromHref(p.href);
  const where = `partition ${p.href}`;
  if (!Number.isInteger(p.h3Resolution) || p.h3Resolution < 0 || p.h3Resolution > 15) {
    throw new CatalogInputError(`h3Resolution must be 0..15, found ${p.h3Resolution}`, where);
  }
  const cover = coverage(p.cells, where, PARTITION_OUTLINE_CELLS, CELL_BUDGET);
  const properties: JsonObject = {
    ...timeProperties(p.time, where),
    "h3:resolution": p.h3Resolution,
    "h3:cells": cover.cells,
    ...(cover.coarsened || p.cellsCoarsened ? { "refs:h3_cells_coarsened": true } : {}),
    "table:row_count": p.rowCount,
    "table:columns": p.columns.map((c) => ({
      name: c.name,
      type: c.type,
      ...(c.description ? { description: c.description } : {}),
    })),
  };
  for (const [name, s] of Object.entries(p.variables)) {
    for (const stat of ["min", "max", "mean"] as const) {
      if (!Number.isFinite(s[stat]))
        throw new CatalogInputError(`${name} ${stat} is not a finite number`, where);
      properties[statisticName(name, stat)] = s[stat];
    }
  }
  return {
    type: "Feature",
    stac_version: STAC_VERSION,
    stac_extensions: [TABLE_EXTENSION, FILE_EXTENSION],
    id,
    collection,
    geometry: cover.geometry as unknown as JsonObject,
    bbox: cover.bbox,
    properties,
    links: [],
    assets: {
      data: {
        href: p.href,
        type: PARQUET_MEDIA_TYPE,
        roles: ["data"],
        title: "H3-indexed Parquet partition",
        "file:size": p.size,
        "file:checksum": sha256Multihash(p.sha256, where),
      },
      ...(p.rollup
        ? {
            rollup: {
              href: p.rollup.href,
              type: PARQUET_MEDIA_TYPE,
              roles: ["rollup"],
              title: "per-cell count, sum, min and max of the data file by UTC day and over the file",
              "file:size": p.rollup.size,
              "file:checksum": sha256Multihash(p.rollup.sha256, where),
            },
          }
        : {}),
    },
  };
}
