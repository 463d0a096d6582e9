/**
 * CF time encoding ("<unit> since <date>" plus a calendar): parsing it, and moving values from one encoding to
 * another. Values go through calendar dates, so a date the target calendar lacks is an error, never a shift.
 */
import {
  type CalendarName,
  canonicalCalendar,
  type DateFields,
  daysOf,
  fieldsOf,
  invalidDate,
} from "./calendars.js";

export interface CfTime {
  units: string;
  calendar: CalendarName;
  unitSeconds: number;
  /** The reference date as a day number of the calendar, plus seconds into that day (time zone applied). */
  refDays: number;
  refSeconds: number;
}

/** A calendar date with a time of day. */
export interface DateTime extends DateFields {
  /** Seconds since midnight (may fall outside 0..86400 before normalisation, e.g. after a time zone shift). */
  seconds: number;
}

const unitSeconds: Array<[RegExp, number]> = [
  [/^(microseconds?|microsecs?|us)$/, 1e-6],
  [/^(milliseconds?|millisecs?|msecs?|ms)$/, 1e-3],
  [/^(seconds?|secs?|s)$/, 1],
  [/^(minutes?|mins?)$/, 60],
  [/^(hours?|hrs?|h)$/, 3600],
  [/^(days?|d)$/, 86400],
  [/^(weeks?)$/, 604800],
];

const dateText =
  /^([+-]?\d+)-(\d{1,2})-(\d{1,2})(?:(?:T|\s+)(\d{1,2}):(\d{1,2})(?::(\d{1,2}(?:\.\d*)?))?)?\s*(Z|UTC|GMT|[+-]\d{1,2}(?::?\d{2})?)?$/i;

/** Parse "2000-01-01", "2000-1-1 12:00:00.5", "2000-01-01T06:00Z", "1970-01-01 00:00:00 +05:30". */
export function parseDateTime(text: string): DateTime | undefined {
  const m = dateText.exec(text.trim());
  if (!m) return undefined;
  let seconds = Number(m[4] ?? 0) * 3600 + Number(m[5] ?? 0) * 60 + Number(m[6] ?? 0);
  const zone = m[7]?.toUpperCase();
  if (zone && zone !== "Z" && zone !== "UTC" && zone !== "GMT") {
    const z = /^([+-])(\d{1,2}):?(\d{2})?$/.exec(zone);
    const sign = z?.[1] === "-" ? -1 : 1;
    seconds -= sign * (Number(z?.[2] ?? 0) * 3600 + Number(z?.[3] ?? 0) * 60);
  }
  return { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]), seconds };
}

/** Parse CF `units` and `calendar` attributes; a string says what is wrong. */
export function parseCfTime(units: string, calendar: string | undefined): CfTime | string {
  const m = /^\s*(\S+)\s+since\s+(.+?)\s*$/i.exec(units);
  if (!m) return `units "${units}" are not "<unit> since <date>"`;
  const unit = (m[1] as string).toLowerCase();
  const factor = unitSeconds.find(([re]) => re.test(unit))?.[1];
  if (factor === undefined) {
    return `time unit "${m[1]}" is not supported (months and years have no fixed length; use days or finer)`;
  }
  const cal = canonicalCalendar(calendar);
  if (!cal) return `calendar "${calendar}" is not supported`;
  const ref = parseDateTime(m[2] as string);
  if (!ref) return `reference date "${m[2]}" in units "${units}" is not a date`;
  const bad = invalidDate(cal, ref);
  if (bad) return `reference date "${m[2]}" is not a ${cal} date: ${bad}`;
  return { units, calendar: cal, unitSeconds: factor, refDays: daysOf(cal, ref), refSeconds: ref.seconds };
}

/** True when two encodings give every value the same meaning. */
export function sameEncoding(a: CfTime, b: CfTime): boolean {
  return (
    a.calendar === b.calendar &&
    a.unitSeconds === b.unitSeconds &&
    a.refDays * 86400 + a.refSeconds === b.refDays * 86400 + b.refSeconds
  );
}

/** Whole days and seconds into the day of a value. */
function split(value: number, from: CfTime): { days: number; seconds: number } {
  const total = from.refSeconds + value * from.unitSeconds;
  const days = Math.floor(total / 86400);
  return { days: from.refDays + days, seconds: total - days * 86400 };
}

/** The calendar date and time a value stands for. */
export function decodeTime(value: number, from: CfTime): DateTime {
  const { days, seconds } = split(value, from);
  return { ...fieldsOf(from.calendar, days), seconds };
}

/** Encode a date in `to`; throws a RangeError when the date does not exist in `to`'s calendar. */
export function encodeTime(date: DateTime, to: CfTime): number {
  const bad = invalidDate(to.calendar, date);
  if (bad) throw new RangeError(`${formatDateTime(date)} is not a ${to.calendar} date: ${bad}`);
  const days = daysOf(to.calendar, date) - to.refDays;
  return snap((days * 86400 + (date.seconds - to.refSeconds)) / to.unitSeconds, to.unitSeconds);
}

/** Re-encode a value from one encoding to another (same calendar: exact arithmetic; else via the date). */
export function convertTime(value: number, from: CfTime, to: CfTime): number {
  if (from.calendar === to.calendar) {
    const seconds =
      (from.refDays - to.refDays) * 86400 + (from.refSeconds - to.refSeconds) + value * from.unitSeconds;
    return snap(seconds / to.unitSeconds, to.unitSeconds);
  }
  return encodeTime(decodeTime(value, from), to);
}

/** Round away float noise below a microsecond, so whole steps stay whole numbers. */
function snap(value: number, unitSeconds: number): number {
  const whole = Math.round(value);
  return Math.abs(value - whole) * unitSeconds < 1e-6 ? whole : value;
}

export function formatDateTime(d: DateTime): string {
  const pad = (n: number, w = 2) => String(Math.trunc(n)).padStart(w, "0");
  const s = d.seconds;
  const time = `${pad(Math.floor(s / 3600))}:${pad(Math.floor((s % 3600) / 60))}:${pad(s % 60)}`;
  return `${pad(d.year, 4)}-${pad(d.month)}-${pad(d.day)}T${time}`;
}
