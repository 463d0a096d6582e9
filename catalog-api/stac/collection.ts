import { itemInterval } from "../search/datetime.js";
import {
  FILE_EXTENSION,
  ITEM_ASSETS_EXTENSION,
  KERCHUNK_JSON_MEDIA_TYPE,
  PARQUET_MEDIA_TYPE,
  TABLE_EXTENSION,
} from "./extensions.js";
import type { ProjectDescription } from "./inputs.js";
import { type Json, type JsonObject, STAC_VERSION, type StacCollection, type StacItem } from "./types.js";

// loops, not Math.min(...xs): a project can have more items than a call has room for arguments
const least = (xs: number[]) => xs.reduce((a, b) => Math.min(a, b), Number.POSITIVE_INFINITY);
const most = (xs: number[]) => xs.reduce((a, b) => Math.max(a, b), Number.NEGATIVE_INFINITY);

/**
 * The project's Collection, summarising its items: spatial and temporal extent, summaries (H3 resolutions,
 * ranges of every numeric statistic, reference formats), item_assets, license and providers.
 */
export function projectCollection(project: ProjectDescription, items: StacItem[]): StacCollection {
  const boxes = items.map((i) => i.bbox).filter((b): b is number[] => Array.isArray(b));
  const bbox = boxes.length
    ? [
        least(boxes.map((b) => b[0]!)),
        least(boxes.map((b) => b[1]!)),
        most(boxes.map((b) => b[2]!)),
        most(boxes.map((b) => b[3]!)),
      ]
    : [-180, -90, 180, 90];
  const spans = items.map((i) => itemInterval(i.properties as Record<string, unknown>, i.id));
  const interval = spans.length
    ? [
        new Date(least(spans.map((s) => s.start))).toISOString(),
        new Date(most(spans.map((s) => s.end))).toISOString(),
      ]
    : [null, null];
  const collection: StacCollection = {
    type: "Collection",
    stac_version: STAC_VERSION,
    stac_extensions: [TABLE_EXTENSION, FILE_EXTENSION, ITEM_ASSETS_EXTENSION],
    id: project.id,
    title: project.title ?? project.id,
    description: project.description,
    license: project.license,
    extent: { spatial: { bbox: [bbox] }, temporal: { interval: [interval] } },
    summaries: summaries(items),
    item_assets: {
      data: { type: PARQUET_MEDIA_TYPE, roles: ["data"], title: "H3-indexed Parquet partition" },
      references: {
        ...referencesType(items),
        roles: ["data", "references"],
        title: "kerchunk references",
      },
    },
    links: [],
  };
  if (project.providers?.length) collection.providers = project.providers;
  if (project.keywords?.length) collection.keywords = project.keywords;
  return collection;
}

/**
 * The media type of the items' reference assets (JSON or Parquet kerchunk); JSON when there are none yet, none when
 * the items disagree (item_assets may only say what every item's asset is).
 */
function referencesType(items: StacItem[]): { type?: string } {
  const types = new Set<string>();
  for (const item of items) {
    const asset = item.assets.references as { type?: unknown } | undefined;
    if (asset && typeof asset.type === "string") types.add(asset.type);
  }
  if (types.size === 0) return { type: KERCHUNK_JSON_MEDIA_TYPE };
  return types.size === 1 ? { type: [...types][0]! } : {};
}

/** Numeric properties become {minimum, maximum}; a few categorical ones become lists of distinct values. */
function summaries(items: StacItem[]): JsonObject {
  const ranges = new Map<string, [number, number]>();
  const lists = new Map<string, Set<Json>>();
  for (const item of items) {
    for (const [key, value] of Object.entries(item.properties)) {
      if (key === "h3:resolution" || key === "refs:format") {
        if (!lists.has(key)) lists.set(key, new Set());
        lists.get(key)!.add(value);
      } else if (typeof value === "number" && key !== "table:row_count") {
        const r = ranges.get(key);
        ranges.set(key, r ? [Math.min(r[0], value), Math.max(r[1], value)] : [value, value]);
      }
    }
  }
  const out: JsonObject = {};
  for (const [key, set] of lists) out[key] = [...set].sort() as Json[];
  for (const [key, [minimum, maximum]] of ranges) out[key] = { minimum, maximum };
  return out;
}
