/** Dates written as text in file names and attributes: strftime-like formats (%Y %m %d %H %M %S %j). */
import { type CalendarName, daysOf, fieldsOf } from "./calendars.js";
import { type DateTime, parseDateTime } from "./cf-time.js";

const tokens: Record<string, string> = {
  Y: "(?<Y>[+-]?\\d{4})",
  m: "(?<m>\\d{2})",
  d: "(?<d>\\d{2})",
  H: "(?<H>\\d{2})",
  M: "(?<M>\\d{2})",
  S: "(?<S>\\d{2}(?:\\.\\d+)?)",
  j: "(?<j>\\d{3})",
};

function formatRegex(format: string): RegExp {
  let source = "";
  for (let i = 0; i < format.length; i++) {
    const c = format[i] as string;
    if (c === "%" && i + 1 < format.length) {
      const t = format[++i] as string;
      if (t === "%") source += "%";
      else if (tokens[t]) source += tokens[t];
      else throw new Error(`format "${format}": %${t} is not supported (use %Y %m %d %H %M %S %j)`);
    } else source += c.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${source}$`);
}

/**
 * A date from text: with `format`, fields by strftime tokens (%j counts days in `calendar`); without, ISO-like
 * text ("2020-01-31", "20200131", "2020-01-31T06:00:00Z"). Undefined when the text does not fit.
 */
export function parseDateText(
  text: string,
  format: string | undefined,
  calendar: CalendarName,
): DateTime | undefined {
  if (!format) {
    const compact = /^(\d{4})(\d{2})(\d{2})(?:T?(\d{2})(\d{2})(\d{2})?)?$/.exec(text.trim());
    if (compact) {
      const [, y, mo, d, h, mi, s] = compact;
      return {
        year: +(y ?? 0),
        month: +(mo ?? 0),
        day: +(d ?? 0),
        seconds: +(h ?? 0) * 3600 + +(mi ?? 0) * 60 + +(s ?? 0),
      };
    }
    return parseDateTime(text);
  }
  const g = formatRegex(format).exec(text)?.groups;
  if (!g || g.Y === undefined) return undefined;
  const year = Number(g.Y);
  let month = Number(g.m ?? 1);
  let day = Number(g.d ?? 1);
  if (g.j !== undefined) {
    const f = fieldsOf(calendar, daysOf(calendar, { year, month: 1, day: 1 }) + Number(g.j) - 1);
    if (f.year !== year) return undefined;
    month = f.month;
    day = f.day;
  }
  return { year, month, day, seconds: Number(g.H ?? 0) * 3600 + Number(g.M ?? 0) * 60 + Number(g.S ?? 0) };
}
