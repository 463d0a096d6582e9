import { CatalogInputError } from "../errors.js";

/** A time interval in epoch milliseconds; an open end is -Infinity / +Infinity. */
export interface TimeInterval {
  start: number;
  end: number;
}

// RFC 3339 date-time: full date, `T` (any case), time with optional fraction, and a mandatory offset.
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|([+-])(\d{2}):(\d{2}))$/;

/** Parse one RFC 3339 date-time to epoch ms, checking ranges (Date.parse alone accepts too much). */
export function parseRfc3339(text: string, parameter = "datetime"): number {
  const m = RFC3339.exec(text);
  if (!m)
    throw new CatalogInputError(
      `"${text}" is not an RFC 3339 date-time (like 2020-01-31T12:00:00Z)`,
      parameter,
    );
  const [y, mo, d, h, mi, s] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i]));
  const daysInMonth = new Date(Date.UTC(y!, mo!, 0)).getUTCDate();
  if (mo! < 1 || mo! > 12 || d! < 1 || d! > daysInMonth || h! > 23 || mi! > 59 || s! > 60) {
    throw new CatalogInputError(`"${text}" has a field out of range`, parameter);
  }
  const offsetMin = m[9] ? (m[9] === "-" ? -1 : 1) * (Number(m[10]) * 60 + Number(m[11])) : 0;
  if (m[9] && (Number(m[10]) > 23 || Number(m[11]) > 59)) {
    throw new CatalogInputError(`"${text}" has an offset out of range`, parameter);
  }
  const fraction = m[7] ? Math.floor(Number(`0${m[7]}`) * 1000) : 0;
  return Date.UTC(y!, mo! - 1, d!, h!, mi!, Math.min(s!, 59)) + fraction - offsetMin * 60_000;
}

/**
 * The STAC API `datetime` parameter: one instant, or `start/end` where either end may be `..` or empty (open).
 * Both ends open, a reversed interval, or anything else is an error.
 */
export function parseDatetimeParameter(text: string, parameter = "datetime"): TimeInterval {
  const parts = text.split("/");
  if (parts.length === 1) {
    const t = parseRfc3339(text, parameter);
    return { start: t, end: t };
  }
  if (parts.length !== 2) throw new CatalogInputError(`"${text}" has more than one "/"`, parameter);
  const open = (p: string) => p === "" || p === "..";
  const [a, b] = parts as [string, string];
  if (open(a) && open(b)) throw new CatalogInputError(`"${text}" is open at both ends`, parameter);
  const start = open(a) ? Number.NEGATIVE_INFINITY : parseRfc3339(a, parameter);
  const end = open(b) ? Number.POSITIVE_INFINITY : parseRfc3339(b, parameter);
  if (start > end) throw new CatalogInputError(`"${text}" ends before it starts`, parameter);
  return { start, end };
}

/** An item's own time span from its properties: datetime, or start_datetime/end_datetime. */
export function itemInterval(properties: Record<string, unknown>, itemId: string): TimeInterval {
  const read = (key: string) => {
    const v = properties[key];
    return typeof v === "string" ? parseRfc3339(v, `item ${itemId} properties.${key}`) : undefined;
  };
  const start = read("start_datetime") ?? read("datetime");
  const end = read("end_datetime") ?? read("datetime");
  if (start === undefined || end === undefined) {
    throw new CatalogInputError("needs datetime, or start_datetime and end_datetime", `item ${itemId}`);
  }
  return { start, end };
}
