import { parseRfc3339 } from "../search/datetime.js";
import type { TimeDescription } from "./inputs.js";

/** Item time properties for an instant or a span (validated as RFC 3339). */
export function timeProperties(t: TimeDescription, where: string): Record<string, string | null> {
  if ("datetime" in t) {
    parseRfc3339(t.datetime, `${where} datetime`);
    return { datetime: t.datetime };
  }
  parseRfc3339(t.start, `${where} start`);
  parseRfc3339(t.end, `${where} end`);
  return { datetime: null, start_datetime: t.start, end_datetime: t.end };
}

/** [start, end] of a time description in ms. */
export function timeSpan(t: TimeDescription): [number, number] {
  if ("datetime" in t) {
    const v = parseRfc3339(t.datetime);
    return [v, v];
  }
  return [parseRfc3339(t.start), parseRfc3339(t.end)];
}
