import { cellToBoundary, cellToParent, latLngToCell } from "h3-js";
import type { StacCollection, StacItem } from "../../catalog-api/stac/types.js";

/** Deterministic pseudo-random numbers (mulberry32), so failures reproduce. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const PLATFORMS = ["sat-a", "sat-b", "model_x", "O'Brien"];
export const T0 = Date.UTC(2020, 0, 1);
const HOUR = 3_600_000;

function cellPolygon(cell: string): number[][] {
  const ring = cellToBoundary(cell, true);
  return [...ring, ring[0]!];
}

/**
 * Items spread over a region, each covering 1-3 H3 cells of resolution 3-6 (as `h3:cells`, geometry = their
 * polygons), an instant or a span in 2020, and a few typed properties to filter and sort on.
 */
export function generateItems(n: number, collection = "gen", seed = 42): StacItem[] {
  const rnd = random(seed);
  const items: StacItem[] = [];
  for (let i = 0; i < n; i++) {
    const lat = 30 + rnd() * 20;
    const lng = -10 + rnd() * 30;
    const res = 3 + Math.floor(rnd() * 4);
    const base = latLngToCell(lat, lng, res);
    const cells = [base];
    if (rnd() < 0.3) cells.push(latLngToCell(lat + 3, lng + 3, res));
    if (rnd() < 0.2) cells.push(cellToParent(latLngToCell(lat - 2, lng - 2, 6), Math.max(0, res - 1)));
    const unique = [...new Set(cells)];
    const start = T0 + Math.floor(rnd() * 365 * 24) * HOUR;
    const span = rnd() < 0.5 ? 0 : Math.floor(rnd() * 72) * HOUR;
    const properties: Record<string, unknown> = {
      "h3:resolution": res,
      "h3:cells": unique,
      quality: Math.round(rnd() * 1000) / 1000,
      platform: PLATFORMS[Math.floor(rnd() * PLATFORMS.length)]!,
      flag: rnd() < 0.5,
    };
    if (span === 0) properties.datetime = new Date(start).toISOString();
    else {
      properties.datetime = null;
      properties.start_datetime = new Date(start).toISOString();
      properties.end_datetime = new Date(start + span).toISOString();
    }
    if (i % 7 === 0) delete properties.quality; // some items lack the property
    items.push({
      type: "Feature",
      stac_version: "1.0.0",
      id: `item-${String(i).padStart(6, "0")}`,
      collection,
      geometry: { type: "MultiPolygon", coordinates: unique.map((c) => [cellPolygon(c)]) },
      properties: properties as StacItem["properties"],
      links: [],
      assets: {},
    });
  }
  return items;
}

export function generatedCollection(id = "gen"): StacCollection {
  return {
    type: "Collection",
    stac_version: "1.0.0",
    id,
    description: "generated items for tests",
    license: "CC-BY-4.0",
    extent: {
      spatial: { bbox: [[-20, 20, 40, 60]] },
      temporal: { interval: [["2020-01-01T00:00:00Z", "2021-01-10T00:00:00Z"]] },
    },
    summaries: { quality: { minimum: 0, maximum: 1 }, platform: PLATFORMS, flag: [true, false] },
    links: [],
  };
}
