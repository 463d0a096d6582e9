/**
 * The concat coordinate of every input along one dimension: values from the data, a file-name pattern, an
 * attribute, the caller or the input's index; CF times brought to one encoding.
 */
import type { JsonValue } from "../model/index.js";
import { dimLength, zarrayOf, zattrsOf } from "./array-dims.js";
import { canonicalCalendar } from "./calendars.js";
import {
  type CfTime,
  convertTime,
  decodeTime,
  encodeTime,
  formatDateTime,
  parseCfTime,
  sameEncoding,
} from "./cf-time.js";
import { parseDateText } from "./date-text.js";
import { CoordinateError, TimeEncodingError } from "./errors.js";
import type { CombineInput, CombineOptions, CoordinateSource, ValueType } from "./options.js";
import { readValues } from "./read-values.js";

export type Values = number[] | string[];

export interface DimCoordinates {
  dim: string;
  source: CoordinateSource;
  /** Per input, in input order. */
  values: Values[];
  /** Per input: the dimension's length in the file, or undefined when the file lacks the dimension. */
  lengths: Array<number | undefined>;
  /** The encoding of the values when they are CF times. */
  time: CfTime | undefined;
  /** Inputs whose time values were re-encoded. */
  reencoded: string[];
}

const defaultDateUnits = "days since 1970-01-01";

export function sourceOf(options: CombineOptions, dim: string): CoordinateSource {
  return options.coordinates?.[dim] ?? { from: "data" };
}

/** The CF time attributes of an input's coordinate array, or undefined when it is not a CF time. */
function timeOf(
  input: CombineInput,
  path: string,
): { units: string; calendar: string | undefined } | undefined {
  const attrs = zattrsOf(input.refs, path);
  if (typeof attrs.units !== "string" || !/\ssince\s/i.test(attrs.units)) return undefined;
  return { units: attrs.units, calendar: typeof attrs.calendar === "string" ? attrs.calendar : undefined };
}

function target(
  dim: string,
  options: CombineOptions,
  fallback: { units: string; calendar?: string | undefined },
  url: string,
): CfTime {
  const chosen = options.timeEncoding?.[dim];
  const units = chosen?.units ?? fallback.units;
  const calendar = chosen?.calendar ?? (chosen?.units ? undefined : fallback.calendar);
  const parsed = parseCfTime(units, calendar);
  if (typeof parsed === "string") {
    throw new TimeEncodingError(chosen ? "timeEncoding option" : url, dim, undefined, parsed);
  }
  return parsed;
}

function textValue(text: string, type: ValueType | undefined, url: string, dim: string): number | string {
  if (type === "string") return text;
  const n = Number(text);
  if (text.trim() === "" || Number.isNaN(n))
    throw new CoordinateError(dim, [url], `"${text}" is not a number`);
  return n;
}

/** One raw value (text or number) per input from a pattern, attribute, list or index. */
function scalarOf(input: CombineInput, index: number, dim: string, source: CoordinateSource): JsonValue {
  switch (source.from) {
    case "pattern": {
      const m = source.pattern.exec(input.url);
      const value = m ? (source.group ? m.groups?.[source.group] : (m[1] ?? m[0])) : undefined;
      if (value === undefined) {
        const group = source.group ? ` with group "${source.group}"` : "";
        throw new CoordinateError(dim, [input.url], `file name does not match ${source.pattern}${group}`);
      }
      return value;
    }
    case "attribute": {
      const attrs = source.array
        ? zattrsOf(input.refs, source.array)
        : (input.refs.metadata.get(".zattrs") ?? {});
      const value = attrs[source.name];
      if (value === undefined) {
        const on = source.array ? ` on "${source.array}"` : "";
        throw new CoordinateError(dim, [input.url], `no attribute "${source.name}"${on}`);
      }
      return value;
    }
    case "values": {
      const value = source.values[index];
      if (value === undefined) {
        throw new CoordinateError(dim, [input.url], `no value at index ${index} of the given values`);
      }
      return value;
    }
    default:
      return index;
  }
}

/** Gather every input's values along `dim`, with CF times in one encoding. */
export async function dimCoordinates(
  inputs: readonly CombineInput[],
  dim: string,
  options: CombineOptions,
): Promise<DimCoordinates> {
  const source = sourceOf(options, dim);
  const lengths = inputs.map((input) => dimLength(input.refs, dim));
  const result: DimCoordinates = { dim, source, values: [], lengths, time: undefined, reencoded: [] };
  if (source.from === "data") {
    await fromData(inputs, dim, source.array ?? dim, options, result);
  } else {
    const type = source.from === "pattern" || source.from === "attribute" ? source.type : undefined;
    const format = source.from === "pattern" || source.from === "attribute" ? source.format : undefined;
    if (type === "date")
      result.time = target(dim, options, { units: defaultDateUnits }, "timeEncoding option");
    inputs.forEach((input, i) => {
      const raw = scalarOf(input, i, dim, source);
      if (type === "date") {
        const time = result.time as CfTime;
        const date = parseDateText(String(raw), format, time.calendar);
        if (!date) {
          const fmt = format ? ` in format "${format}"` : "";
          throw new CoordinateError(dim, [input.url], `"${raw}" is not a date${fmt}`);
        }
        try {
          result.values.push([encodeTime(date, time)]);
        } catch (error) {
          throw new TimeEncodingError(input.url, dim, String(raw), (error as Error).message, {
            cause: error,
          });
        }
      } else if (typeof raw === "number") result.values.push([raw]);
      else if (typeof raw === "string") result.values.push([textValue(raw, type, input.url, dim)] as Values);
      else
        throw new CoordinateError(dim, [input.url], `value ${JSON.stringify(raw)} is not a number or text`);
    });
  }
  checkCounts(inputs, result);
  return result;
}

async function fromData(
  inputs: readonly CombineInput[],
  dim: string,
  path: string,
  options: CombineOptions,
  out: DimCoordinates,
): Promise<void> {
  for (const input of inputs) {
    if (!zarrayOf(input.refs, path))
      throw new CoordinateError(dim, [input.url], `no coordinate array "${path}"`);
    try {
      out.values.push(await readValues(input.url, input.refs, path, options.readCoordinate));
    } catch (error) {
      const detail = `reading "${path}": ${(error as Error).message}`;
      throw new CoordinateError(dim, [input.url], detail, { cause: error });
    }
  }
  const times = inputs.map((input) => timeOf(input, path));
  const first = times.findIndex((t) => t !== undefined);
  if (first < 0) return;
  const same = (a: (typeof times)[number], b: (typeof times)[number]) =>
    a?.units === b?.units && canonicalCalendar(a?.calendar) === canonicalCalendar(b?.calendar);
  const firstTime = times[first] as { units: string; calendar: string | undefined };
  const explicit = options.timeEncoding?.[dim];
  if (!explicit && times.every((t) => same(t, firstTime))) {
    const parsed = parseCfTime(firstTime.units, firstTime.calendar);
    out.time = typeof parsed === "string" ? undefined : parsed;
    return;
  }
  const to = target(dim, options, firstTime, inputs[first]?.url ?? "");
  out.time = to;
  inputs.forEach((input, i) => {
    const t = times[i];
    if (!t)
      throw new TimeEncodingError(
        input.url,
        dim,
        undefined,
        `"${path}" has no CF time units, other files do`,
      );
    const from = parseCfTime(t.units, t.calendar);
    if (typeof from === "string") throw new TimeEncodingError(input.url, dim, undefined, from);
    if (sameEncoding(from, to)) return;
    const values = out.values[i] as number[];
    out.values[i] = values.map((v) => {
      try {
        return convertTime(v, from, to);
      } catch (error) {
        const date = formatDateTime(decodeTime(v, from));
        const detail =
          `${date} (${t.units}, ${from.calendar}) cannot be written in ${to.units} (${to.calendar}): ` +
          (error as Error).message;
        throw new TimeEncodingError(input.url, dim, v, detail, { cause: error });
      }
    });
    out.reencoded.push(input.url);
  });
}

/** A file with the dimension needs one value per step; a file without it gets one value (a new step). */
function checkCounts(inputs: readonly CombineInput[], c: DimCoordinates): void {
  inputs.forEach((input, i) => {
    const expected = c.lengths[i] ?? 1;
    const got = (c.values[i] as Values).length;
    if (got !== expected) {
      const has = c.lengths[i] === undefined ? "lacks the dimension (one step)" : `has ${expected} steps`;
      throw new CoordinateError(c.dim, [input.url], `the file ${has} but its coordinate gives ${got} values`);
    }
  });
}
