/**
 * Which dimension to concatenate along when the user named none: the dimension whose coordinate values differ
 * across files, trying time-like coordinates first (CF "since" units, standard_name time, axis T). References
 * do not record which dimension was unlimited in the source, so "time-like" stands in for it.
 */
import { arrayDims, zarrayOf, zattrsOf } from "./array-dims.js";
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

async function differs(
  inputs: readonly CombineInput[],
  name: string,
  read: ReadCoordinate | undefined,
): Promise<boolean> {
  const [first, ...rest] = inputs as [CombineInput, ...CombineInput[]];
  if (rest.some((i) => !zarrayOf(i.refs, name))) return false;
  const reference = await readValues(first.url, first.refs, name, read);
  for (const input of rest) {
    const values = await readValues(input.url, input.refs, name, read);
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
    `no coordinate differs across the ${inputs.length} files (checked: ${names.join(", ") || "none found"}); name the concat dimension`,
  );
}
