/**
 * Generated data of the catalog benchmark: items spread over Europe and ten years, and the search mix
 * (datetime + H3 + CQL2) the latency goal is measured with.
 */
import { cellToBoundary, cellToLatLng, cellToParent, latLngToCell } from "h3-js";
import type { StacCollection, StacItem } from "../../catalog-api/stac/types.js";

const DAY = 86_400_000;
const T0 = Date.UTC(2015, 0, 1);
const PLATFORMS = ["sat-a", "sat-b", "sat-c", "model"];

/** A small deterministic PRNG (mulberry32), so every run searches the same data with the same queries. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function benchCollection(): StacCollection {
  return {
    type: "Collection",
    stac_version: "1.0.0",
    id: "bench",
    description: "benchmark items",
    license: "CC0-1.0",
    extent: {
      spatial: { bbox: [[-10, 35, 30, 60]] },
      temporal: { interval: [["2015-01-01T00:00:00Z", null]] },
    },
    summaries: { quality: { minimum: 0, maximum: 1 }, platform: PLATFORMS },
    links: [],
  };
}

/** A batch of items: one H3 cell (res 5-7) over Europe each, an instant or a day-long span over 10 years. */
export function benchItems(start: number, count: number, rnd: () => number): StacItem[] {
  const out: StacItem[] = [];
  for (let i = start; i < start + count; i++) {
    const cell = latLngToCell(35 + rnd() * 25, -10 + rnd() * 40, 5 + Math.floor(rnd() * 3));
    const ring = cellToBoundary(cell, true);
    const t = T0 + Math.floor(rnd() * 3650 * 24) * 3_600_000;
    const span = rnd() < 0.5;
    out.push({
      type: "Feature",
      stac_version: "1.0.0",
      id: `item-${i}`,
      collection: "bench",
      geometry: { type: "Polygon", coordinates: [[...ring, ring[0]!]] },
      properties: {
        ...(span
          ? {
              datetime: null,
              start_datetime: new Date(t).toISOString(),
              end_datetime: new Date(t + DAY).toISOString(),
            }
          : { datetime: new Date(t).toISOString() }),
        "h3:resolution": 7,
        "h3:cells": [cell],
        quality: Math.round(rnd() * 1000) / 1000,
        platform: PLATFORMS[Math.floor(rnd() * PLATFORMS.length)]!,
      },
      links: [],
      assets: { data: { href: `s3://bench/part-${i}.parquet`, roles: ["data"] } },
    });
  }
  return out;
}

/**
 * Search paths: a month of time, one res-3 or res-4 cell, and a CQL2 filter on two properties; with `bbox`, also a
 * 4-degree box around the cell's centre (REFS_BENCH_CATALOG_BBOX=1: bbox + datetime + H3).
 */
export function benchQueries(count: number, bbox = process.env.REFS_BENCH_CATALOG_BBOX === "1"): string[] {
  const rnd = rng(7);
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const cell = cellToParent(latLngToCell(35 + rnd() * 25, -10 + rnd() * 40, 5), 3 + Math.floor(rnd() * 2));
    const start = T0 + Math.floor(rnd() * 3500) * DAY;
    const dt = `${new Date(start).toISOString()}/${new Date(start + 30 * DAY).toISOString()}`;
    const filter = `quality > ${(rnd() * 0.5).toFixed(2)} AND platform IN ('sat-a', 'sat-b')`;
    const [lat, lng] = cellToLatLng(cell);
    const box = bbox
      ? `&bbox=${[lng - 2, lat - 2, lng + 2, lat + 2].map((v) => v.toFixed(3)).join(",")}`
      : "";
    out.push(
      `/search?limit=10&datetime=${encodeURIComponent(dt)}&h3=${cell}${box}&filter=${encodeURIComponent(filter)}`,
    );
  }
  return out;
}
