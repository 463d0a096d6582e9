/**
 * Which dimension to concatenate along when the user named none: the dimension whose coordinate values differ
 * across files, trying time-like coordinates first (CF "since" units, standard_name time, axis T). References
 * do not record which dimension was unlimited in the source, so "time-like" stands in for it.
 */
import { arrayDims, zarrayOf, zattrsOf } from "./array-dims.js";
import { type CfTime, convertTime, parseCfTime, sameEncoding } from "./cf-time.js";
import { ConcatDimNotFoundError } from "./errors.js";
import type { CombineInput, ReadCoordinate } from "./options.js";
import { readValues } from "./read-values.js";

export interface DetectOptions {
  readCoordinate?: ReadCoordinate;
}

function timeLike(input: CombineInput, name: string): boolean {
  const attrs = zattrsOf(input.refs, name);
  const units = typeof attrs.units === "string" ? attrs.units : "";
  return /\ssince\s/i.test(units) || attrs.standard_name === "time" || attrs.axis === "T" || name === "time";
}

/** Root arrays that are a dimension's coordinate: 1-D over a dimension of their own name, or scalar. */
function candidates(inputs: readonly CombineInput[]): string[] {
  const names: string[] = [];
  for (const input of inputs.slice(0, 2)) {
    for (const path of input.refs.arrays.keys()) {
      if (path.includes("/") || names.includes(path)) continue;
      const dims = arrayDims(input.refs, path);
      if ((dims.length === 1 && dims[0] === path) || dims.length === 0) names.push(path);
    }
  }
  const first = inputs[0] as CombineInput;
  const scalarTime = (n: string) => arrayDims(first.refs, n).length === 0 && !timeLike(first, n);
  const usable = names.filter((n) => !scalarTime(n));
  return [...usable.filter((n) => timeLike(first, n)), ...usable.filter((n) => !timeLike(first, n))];
}

/** The CF encoding of an input's coordinate, when its units are "<unit> since <date>" and parse. */
function cfTimeOf(input: CombineInput, name: string): CfTime | undefined {
  const attrs = zattrsOf(input.refs, name);
  if (typeof attrs.units !== "string" || !/\ssince\s/i.test(attrs.units)) return undefined;
  const parsed = parseCfTime(attrs.units, typeof attrs.calendar === "string" ? attrs.calendar : undefined);
  return typeof parsed === "string" ? undefined : parsed;
}

/**
 * An input's values of a coordinate, CF times brought into `to`'s encoding: yearly files that each count "days
 * since" their own 1 January hold the same raw numbers for different dates.
 */
async function comparable(
  input: CombineInput,
  name: string,
  to: CfTime | undefined,
  read: ReadCoordinate | undefined,
): Promise<Array<number | string>> {
  const values = await readValues(input.url, input.refs, name, read);
  const from = cfTimeOf(input, name);
  if (!to || !from || sameEncoding(from, to)) return values;
  return (values as number[]).map((v) => {
    try {
      return convertTime(v, from, to);
    } catch {
      // A date the first file's calendar lacks still tells the files apart: keep it distinct.
      return `${from.units}/${from.calendar}/${v}`;
    }
  });
}

async function differs(
  inputs: readonly CombineInput[],
  name: string,
  read: ReadCoordinate | undefined,
): Promise<boolean> {
  const [first, ...rest] = inputs as [CombineInput, ...CombineInput[]];
  if (rest.some((i) => !zarrayOf(i.refs, name))) return false;
  const to = cfTimeOf(first, name);
  const reference = await comparable(first, name, to, read);
  for (const input of rest) {
    const values = await comparable(input, name, to, read);
    if (values.length !== reference.length || values.some((v, k) => v !== reference[k])) return true;
  }
  return false;
}

/** The concat dimension for these files; throws ConcatDimNotFoundError listing what was checked. */
export async function detectConcatDim(
  inputs: readonly CombineInput[],
  options: DetectOptions = {},
): Promise<string> {
  if (inputs.length < 2)
    throw new ConcatDimNotFoundError("detecting a concat dimension needs at least two files");
  const names = candidates(inputs);
  for (const name of names) if (await differs(inputs, name, options.readCoordinate)) return name;
  throw new ConcatDimNotFoundError(
    `no coordinate differs across the ${inputs.length} files (checked: ${names.join(", ") || "none found"}); name it with refs init --concat-dim (references.concatDims)`,
  );
}
