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

/**
 * The project's Collection, summarising its items: spatial and temporal extent, summaries (H3 resolutions,
 * ranges of every numeric statistic, reference formats), item_assets, license and providers.
 */
export function projectCollection(project: ProjectDescription, items: StacItem[]): StacCollection {
  const summary = new CollectionSummary();
  for (const item of items) summary.add(item);
  return summary.collection(project);
}

/**
 * What the Collection says of its items, gathered item by item so a catalog of any size is summarised without
 * holding its items: extent, summaries and the media type of reference assets.
 */
export class CollectionSummary {
  private readonly box = [
    Number.POSITIVE_INFINITY,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
  ];
  private boxes = 0;
  private start = Number.POSITIVE_INFINITY;
  private end = Number.NEGATIVE_INFINITY;
  private spans = 0;
  private readonly ranges = new Map<string, [number, number]>();
  private readonly lists = new Map<string, Set<Json>>();
  private readonly referenceTypes = new Set<string>();

  add(item: StacItem): void {
    const b = item.bbox;
    if (Array.isArray(b)) {
      this.boxes++;
      this.box[0] = Math.min(this.box[0] as number, b[0] as number);
      this.box[1] = Math.min(this.box[1] as number, b[1] as number);
      this.box[2] = Math.max(this.box[2] as number, b[2] as number);
      this.box[3] = Math.max(this.box[3] as number, b[3] as number);
    }
    const span = itemInterval(item.properties as Record<string, unknown>, item.id);
    this.spans++;
    this.start = Math.min(this.start, span.start);
    this.end = Math.max(this.end, span.end);
    // Numeric properties become {minimum, maximum}; a few categorical ones become lists of distinct values.
    for (const [key, value] of Object.entries(item.properties)) {
      if (key === "h3:resolution" || key === "refs:format") {
        if (!this.lists.has(key)) this.lists.set(key, new Set());
        this.lists.get(key)!.add(value);
      } else if (typeof value === "number" && key !== "table:row_count") {
        const r = this.ranges.get(key);
        this.ranges.set(key, r ? [Math.min(r[0], value), Math.max(r[1], value)] : [value, value]);
      }
    }
    const asset = item.assets.references as { type?: unknown } | undefined;
    if (asset && typeof asset.type === "string") this.referenceTypes.add(asset.type);
  }

  collection(project: ProjectDescription): StacCollection {
    const bbox = this.boxes ? [...this.box] : [-180, -90, 180, 90];
    const interval = this.spans
      ? [new Date(this.start).toISOString(), new Date(this.end).toISOString()]
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
      summaries: this.summaries(),
      item_assets: {
        data: { type: PARQUET_MEDIA_TYPE, roles: ["data"], title: "H3-indexed Parquet partition" },
        references: {
          ...this.referencesType(),
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
   * The media type of the items' reference assets (JSON or Parquet kerchunk); JSON when there are none yet, none
   * when the items disagree (item_assets may only say what every item's asset is).
   */
  private referencesType(): { type?: string } {
    const types = this.referenceTypes;
    if (types.size === 0) return { type: KERCHUNK_JSON_MEDIA_TYPE };
    return types.size === 1 ? { type: [...types][0]! } : {};
  }

  private summaries(): JsonObject {
    const out: JsonObject = {};
    for (const [key, set] of this.lists) out[key] = [...set].sort() as Json[];
    for (const [key, [minimum, maximum]] of this.ranges) out[key] = { minimum, maximum };
    return out;
  }
}
