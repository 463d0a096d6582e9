/**
 * CF calendars as day counts: each calendar maps a date's fields (year, month, day) to a whole day number and
 * back. Conversions between calendars go through the fields (a date keeps its label, as cftime and xarray's
 * convert_calendar do), so a date one calendar lacks (Feb 29 in noleap, Feb 30 outside 360_day, 1582-10-10 in
 * the mixed Julian/Gregorian calendar) is reported, never shifted silently.
 */

export type CalendarName = "standard" | "proleptic_gregorian" | "julian" | "noleap" | "all_leap" | "360_day";

const aliases: Record<string, CalendarName> = {
  standard: "standard",
  gregorian: "standard",
  proleptic_gregorian: "proleptic_gregorian",
  julian: "julian",
  noleap: "noleap",
  "365_day": "noleap",
  all_leap: "all_leap",
  "366_day": "all_leap",
  "360_day": "360_day",
};

/** The canonical name of a CF calendar attribute (absent = standard), or undefined if unknown. */
export function canonicalCalendar(name: string | undefined): CalendarName | undefined {
  return aliases[(name ?? "standard").trim().toLowerCase()];
}

export interface DateFields {
  year: number;
  month: number;
  day: number;
}

const floor = Math.floor;

/** Days of the March-based year before month m (m = 3..14 for March..February): (153 * (m - 3) + 2) / 5. */
function marchDayOfYear(month: number, day: number): number {
  const mp = month > 2 ? month - 3 : month + 9;
  return floor((153 * mp + 2) / 5) + day - 1;
}

function monthOfMarchDay(doy: number): { month: number; day: number } {
  const mp = floor((5 * doy + 2) / 153);
  const day = doy - floor((153 * mp + 2) / 5) + 1;
  return { month: mp < 10 ? mp + 3 : mp - 9, day };
}

/** Proleptic Gregorian: days since 1970-01-01. */
function gregorianDays({ year, month, day }: DateFields): number {
  const y = month <= 2 ? year - 1 : year;
  const era = floor(y / 400);
  const yoe = y - era * 400;
  const doe = yoe * 365 + floor(yoe / 4) - floor(yoe / 100) + marchDayOfYear(month, day);
  return era * 146097 + doe - 719468;
}

function gregorianFields(days: number): DateFields {
  const z = days + 719468;
  const era = floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = floor((doe - floor(doe / 1460) + floor(doe / 36524) - floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + floor(yoe / 4) - floor(yoe / 100));
  const { month, day } = monthOfMarchDay(doy);
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

/** Julian calendar on the same day scale as gregorianDays (Julian 1582-10-05 = Gregorian 1582-10-15). */
function julianRaw({ year, month, day }: DateFields): number {
  const y = month <= 2 ? year - 1 : year;
  const era = floor(y / 4);
  return era * 1461 + (y - era * 4) * 365 + marchDayOfYear(month, day);
}
const julianShift =
  gregorianDays({ year: 1582, month: 10, day: 15 }) - julianRaw({ year: 1582, month: 10, day: 5 });

function julianDays(fields: DateFields): number {
  return julianRaw(fields) + julianShift;
}

function julianFields(days: number): DateFields {
  const z = days - julianShift;
  const era = floor(z / 1461);
  const doe = z - era * 1461;
  const yoe = Math.min(floor(doe / 365), 3);
  const { month, day } = monthOfMarchDay(doe - 365 * yoe);
  return { year: era * 4 + yoe + (month <= 2 ? 1 : 0), month, day };
}

/** First day of the Gregorian part of the mixed (standard) calendar, on the gregorianDays scale. */
const gregorianStart = gregorianDays({ year: 1582, month: 10, day: 15 });

const noleapMonths = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const leapMonths = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const cumulative = (lengths: number[]) =>
  lengths.map((_, i) => lengths.slice(0, i).reduce((a, b) => a + b, 0));
const noleapBefore = cumulative(noleapMonths);
const leapBefore = cumulative(leapMonths);

function fixedYearDays(fields: DateFields, yearLength: number, before: number[]): number {
  return fields.year * yearLength + (before[fields.month - 1] as number) + fields.day - 1;
}

function fixedYearFields(days: number, yearLength: number, before: number[]): DateFields {
  const year = floor(days / yearLength);
  const doy = days - year * yearLength;
  let month = 12;
  while ((before[month - 1] as number) > doy) month--;
  return { year, month, day: doy - (before[month - 1] as number) + 1 };
}

const gregorianLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
const julianLeap = (y: number) => ((y % 4) + 4) % 4 === 0;

/** Number of days in a month of a calendar. */
export function monthLength(calendar: CalendarName, year: number, month: number): number {
  const i = month - 1;
  switch (calendar) {
    case "360_day":
      return 30;
    case "noleap":
      return noleapMonths[i] as number;
    case "all_leap":
      return leapMonths[i] as number;
    case "julian":
      return ((julianLeap(year) ? leapMonths : noleapMonths)[i] as number) ?? 0;
    case "proleptic_gregorian":
      return ((gregorianLeap(year) ? leapMonths : noleapMonths)[i] as number) ?? 0;
    case "standard": {
      const leap = year < 1582 || (year === 1582 && month < 10) ? julianLeap(year) : gregorianLeap(year);
      return ((leap ? leapMonths : noleapMonths)[i] as number) ?? 0;
    }
  }
}

/** Why a date does not exist in a calendar, or undefined if it does. */
export function invalidDate(calendar: CalendarName, f: DateFields): string | undefined {
  if (![f.year, f.month, f.day].every(Number.isInteger)) return "year, month and day must be integers";
  if (f.month < 1 || f.month > 12) return `month ${f.month} does not exist`;
  const n = monthLength(calendar, f.year, f.month);
  if (f.day < 1 || f.day > n) return `day ${f.day} does not exist in month ${f.month} of year ${f.year}`;
  if (calendar === "standard" && f.year === 1582 && f.month === 10 && f.day > 4 && f.day < 15) {
    return "1582-10-05 to 1582-10-14 do not exist in the standard (mixed Julian/Gregorian) calendar";
  }
  return undefined;
}

/** Day number of a valid date in a calendar (check it with invalidDate first). */
export function daysOf(calendar: CalendarName, fields: DateFields): number {
  switch (calendar) {
    case "proleptic_gregorian":
      return gregorianDays(fields);
    case "julian":
      return julianDays(fields);
    case "standard": {
      const g = gregorianDays(fields);
      return g >= gregorianStart ? g : julianDays(fields);
    }
    case "noleap":
      return fixedYearDays(fields, 365, noleapBefore);
    case "all_leap":
      return fixedYearDays(fields, 366, leapBefore);
    case "360_day":
      return fields.year * 360 + (fields.month - 1) * 30 + fields.day - 1;
  }
}

/** The date of a whole day number in a calendar. */
export function fieldsOf(calendar: CalendarName, days: number): DateFields {
  switch (calendar) {
    case "proleptic_gregorian":
      return gregorianFields(days);
    case "julian":
      return julianFields(days);
    case "standard":
      return days >= gregorianStart ? gregorianFields(days) : julianFields(days);
    case "noleap":
      return fixedYearFields(days, 365, noleapBefore);
    case "all_leap":
      return fixedYearFields(days, 366, leapBefore);
    case "360_day": {
      const year = floor(days / 360);
      const doy = days - year * 360;
      return { year, month: floor(doy / 30) + 1, day: (doy % 30) + 1 };
    }
  }
}
