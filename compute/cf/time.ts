/**
 * CF time coordinates to UTC instants. Real calendars (standard/gregorian with its Julian part before
 * 1582-10-15, proleptic_gregorian, julian) name instants: the reference date is placed on the timeline and the
 * offset added. Model calendars (noleap/365_day, all_leap/366_day, 360_day) count days in their own year; the
 * resulting date label is read as a Gregorian date, and a label that has no Gregorian twin (a 360_day
 * February 30th, an all_leap February 29th in 2001) is an error rather than a silent shift.
 */
import { CalendarError } from "../errors.js";

const UNIT_MS: Record<string, number> = {
  microseconds: 1e-3,
  microsecond: 1e-3,
  us: 1e-3,
  milliseconds: 1,
  millisecond: 1,
  ms: 1,
  msec: 1,
  seconds: 1000,
  second: 1000,
  s: 1000,
  sec: 1000,
  secs: 1000,
  minutes: 60_000,
  minute: 60_000,
  min: 60_000,
  mins: 60_000,
  hours: 3_600_000,
  hour: 3_600_000,
  h: 3_600_000,
  hr: 3_600_000,
  hrs: 3_600_000,
  days: 86_400_000,
  day: 86_400_000,
  d: 86_400_000,
};

const DAY_MS = 86_400_000;
const MAX_MS = 8.64e15;

interface Label {
  y: number;
  m: number;
  d: number;
  /** Milliseconds into the day, after applying the time zone. */
  ms: number;
}

function parseUnits(units: string, calendar: string): { unitMs: number; ref: Label } {
  const m = /^\s*(\w+)\s+since\s+(.+?)\s*$/i.exec(units);
  if (!m) throw new CalendarError(calendar, units, 'expected "<unit> since <date>"');
  const unitMs = UNIT_MS[(m[1] as string).toLowerCase()];
  if (unitMs === undefined) {
    throw new CalendarError(
      calendar,
      units,
      `unit "${m[1]}" has no fixed length (use days, hours, ... seconds)`,
    );
  }
  const d =
    /^(-?\d{1,5})-(\d{1,2})-(\d{1,2})(?:[T\s]+(\d{1,2}):(\d{1,2})(?::(\d{1,2}(?:\.\d*)?))?)?\s*(Z|UTC|GMT|[+-]\d{1,2}(?::?\d{2})?)?\s*$/i.exec(
      m[2] as string,
    );
  if (!d) throw new CalendarError(calendar, units, `cannot read the reference date "${m[2]}"`);
  let tz = 0;
  const zone = d[7];
  if (zone && /^[+-]/.test(zone)) {
    const z = /^([+-])(\d{1,2}):?(\d{2})?$/.exec(zone) as RegExpExecArray;
    tz = (z[1] === "-" ? -1 : 1) * (Number(z[2]) * 60 + Number(z[3] ?? 0)) * 60_000;
  }
  const ms = (Number(d[4] ?? 0) * 3600 + Number(d[5] ?? 0) * 60 + Number(d[6] ?? 0)) * 1000 - tz;
  return { unitMs, ref: { y: Number(d[1]), m: Number(d[2]), d: Number(d[3]), ms } };
}

/** Julian Day Number of a proleptic Gregorian / Julian calendar date. */
function gregorianJdn(y: number, m: number, d: number): number {
  const a = Math.floor((14 - m) / 12);
  const yy = y + 4800 - a;
  const mm = m + 12 * a - 3;
  return (
    d +
    Math.floor((153 * mm + 2) / 5) +
    365 * yy +
    Math.floor(yy / 4) -
    Math.floor(yy / 100) +
    Math.floor(yy / 400) -
    32045
  );
}

function julianJdn(y: number, m: number, d: number): number {
  const a = Math.floor((14 - m) / 12);
  const yy = y + 4800 - a;
  const mm = m + 12 * a - 3;
  return d + Math.floor((153 * mm + 2) / 5) + 365 * yy + Math.floor(yy / 4) - 32083;
}

const JDN_1970 = 2440588;

/** Milliseconds since 1970 of a Gregorian date label, or undefined when the label is not a real date. */
function gregorianMs(l: Label): number | undefined {
  if (l.m < 1 || l.m > 12 || l.d < 1 || l.d > 31) return undefined;
  const days = gregorianJdn(l.y, l.m, l.d) - JDN_1970;
  const check = new Date(days * DAY_MS);
  if (check.getUTCDate() !== l.d || check.getUTCMonth() + 1 !== l.m) return undefined;
  return days * DAY_MS + l.ms;
}

const MONTHS_365 = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const MONTHS_366 = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Day count <-> label for calendars with fixed-length years. */
function fixedYear(months: number[]): { toDays(l: Label): number; fromDays(n: number): Label } {
  const year = months.reduce((a, b) => a + b, 0);
  const starts = months.map((_, i) => months.slice(0, i).reduce((a, b) => a + b, 0));
  return {
    toDays: (l) => l.y * year + (starts[l.m - 1] ?? 0) + l.d - 1,
    fromDays(n) {
      const y = Math.floor(n / year);
      let r = n - y * year;
      let m = 0;
      while (m < 11 && r >= (months[m] as number)) r -= months[m++] as number;
      return { y, m: m + 1, d: r + 1, ms: 0 };
    },
  };
}

const MODEL: Record<string, ReturnType<typeof fixedYear>> = {
  noleap: fixedYear(MONTHS_365),
  "365_day": fixedYear(MONTHS_365),
  all_leap: fixedYear(MONTHS_366),
  "366_day": fixedYear(MONTHS_366),
  "360_day": fixedYear(new Array(12).fill(30)),
};

/** Milliseconds since 1970 (UTC) of each CF time value. */
export function decodeTimes(values: ArrayLike<number>, units: string, calendarAttr?: string): Float64Array {
  const calendar = (calendarAttr ?? "standard").toLowerCase();
  const { unitMs, ref } = parseUnits(units, calendar);
  const out = new Float64Array(values.length);
  const model = MODEL[calendar];
  for (let i = 0; i < values.length; i++) {
    const v = Number(values[i]);
    if (!Number.isFinite(v)) throw new CalendarError(calendar, units, `time value ${v} at index ${i}`);
    out[i] = model
      ? modelInstant(model, ref, v * unitMs, calendar, units)
      : realInstant(ref, v * unitMs, calendar, units);
    if (!(Math.abs(out[i] as number) <= MAX_MS)) {
      throw new CalendarError(calendar, units, `value ${v} is outside the representable range of timestamps`);
    }
  }
  return out;
}

function realInstant(ref: Label, offsetMs: number, calendar: string, units: string): number {
  let jdn: number;
  if (calendar === "julian") jdn = julianJdn(ref.y, ref.m, ref.d);
  else if (calendar === "proleptic_gregorian") jdn = gregorianJdn(ref.y, ref.m, ref.d);
  else if (calendar === "standard" || calendar === "gregorian") {
    const before = ref.y < 1582 || (ref.y === 1582 && (ref.m < 10 || (ref.m === 10 && ref.d < 15)));
    if (ref.y === 1582 && ref.m === 10 && ref.d > 4 && ref.d < 15) {
      throw new CalendarError(
        calendar,
        units,
        "reference date falls in the 1582-10-05..14 gap of the standard calendar",
      );
    }
    jdn = before ? julianJdn(ref.y, ref.m, ref.d) : gregorianJdn(ref.y, ref.m, ref.d);
  } else {
    throw new CalendarError(calendar, units, "unknown calendar");
  }
  return (jdn - JDN_1970) * DAY_MS + ref.ms + offsetMs;
}

function modelInstant(
  model: ReturnType<typeof fixedYear>,
  ref: Label,
  offsetMs: number,
  calendar: string,
  units: string,
): number {
  const totalMs = model.toDays(ref) * DAY_MS + ref.ms + offsetMs;
  const days = Math.floor(totalMs / DAY_MS);
  const label = model.fromDays(days);
  label.ms = totalMs - days * DAY_MS;
  const ms = gregorianMs(label);
  if (ms === undefined) {
    const date = `${label.y}-${String(label.m).padStart(2, "0")}-${String(label.d).padStart(2, "0")}`;
    throw new CalendarError(calendar, units, `date ${date} does not exist in the Gregorian calendar`);
  }
  return ms;
}
