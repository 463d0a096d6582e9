import { cellToParent, getResolution } from "h3-js";
import type { StacItem } from "../../catalog-api/stac/types.js";

/** Independent answers to compare the API with, computed over the generated items in plain JS with h3-js. */
export function span(item: StacItem): [number, number] {
  const p = item.properties as Record<string, string | null>;
  const s = Date.parse((p.start_datetime ?? p.datetime)!);
  const e = Date.parse((p.end_datetime ?? p.datetime)!);
  return [s, e];
}

/** True when one cell is the other or an ancestor of it (h3-js cellToParent, not our integer ranges). */
export function related(a: string, b: string): boolean {
  const ra = getResolution(a);
  const rb = getResolution(b);
  return ra <= rb ? cellToParent(b, ra) === a : cellToParent(a, rb) === b;
}

export function h3Matches(items: StacItem[], cells: string[]): string[] {
  return items
    .filter((it) => (it.properties["h3:cells"] as string[]).some((c) => cells.some((q) => related(c, q))))
    .map((it) => it.id);
}

export function timeMatches(items: StacItem[], start: number, end: number): string[] {
  return items.filter((it) => span(it)[0] <= end && span(it)[1] >= start).map((it) => it.id);
}
