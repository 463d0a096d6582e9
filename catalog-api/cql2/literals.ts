import { CatalogInputError } from "../errors.js";
import { parseRfc3339 } from "../search/datetime.js";

/** CQL2 TIMESTAMP literal: an RFC 3339 date-time in UTC. */
export function timestampMs(text: string): number {
  return parseRfc3339(text, "filter TIMESTAMP");
}

/** CQL2 DATE literal: YYYY-MM-DD, taken as the start of that UTC day. */
export function dateMs(text: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) throw new CatalogInputError(`"${text}" is not a date like 2020-01-31`, "filter DATE");
  return parseRfc3339(`${text}T00:00:00Z`, "filter DATE");
}

/** One end of a CQL2 INTERVAL: a timestamp, a date, or `..` for open. */
export function intervalEnd(text: string, open: number): number {
  if (text === "..") return open;
  return /^\d{4}-\d{2}-\d{2}$/.test(text) ? dateMs(text) : timestampMs(text);
}
