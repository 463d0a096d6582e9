/**
 * Arrays that must be identical in every file (identicalDims): same shape and dtype, and the same values, read
 * from inline chunks or through the caller's readCoordinate. The first differences found are reported per file.
 */
import { shapeOf, zarrayOf } from "./array-dims.js";
import { CombineError, type FileValue, IdenticalArrayError } from "./errors.js";
import type { CombineInput, ReadCoordinate } from "./options.js";
import { readValues } from "./read-values.js";

function firstDifference(a: ArrayLike<number | string>, b: ArrayLike<number | string>): string | undefined {
  if (a.length !== b.length) return `${b.length} values instead of ${a.length}`;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x === y || (Number.isNaN(x) && Number.isNaN(y))) continue;
    return `element ${i} is ${y} instead of ${x}`;
  }
  return undefined;
}

/** Same chunk references or same inline bytes: identical without reading. */
function sameChunks(a: CombineInput, b: CombineInput, path: string): boolean {
  const x = a.refs.arrays.get(path);
  const y = b.refs.arrays.get(path);
  if (!x || !y || x.count !== y.count) return false;
  for (let i = 0; i < x.count; i++) {
    const p = x.get(i);
    const q = y.get(i);
    if (!p || !q) {
      if (p !== q) return false;
    } else if (p.kind === "inline" && q.kind === "inline") {
      if (Buffer.compare(p.data, q.data) !== 0) return false;
    } else if (JSON.stringify(p) !== JSON.stringify(q)) return false;
  }
  return true;
}

async function valuesOf(input: CombineInput, path: string, read: ReadCoordinate | undefined) {
  try {
    return await readValues(input.url, input.refs, path, read);
  } catch (error) {
    const detail = (error as Error).message;
    throw new CombineError(`${input.url}: checking that "${path}" is identical: ${detail}`, { cause: error });
  }
}

/** Throws IdenticalArrayError naming every file whose copy of `path` differs from the first file's, and how. */
export async function checkIdentical(
  path: string,
  ordered: readonly CombineInput[],
  read: ReadCoordinate | undefined,
): Promise<void> {
  const holders = ordered.filter((input) => zarrayOf(input.refs, path));
  const first = holders[0];
  if (!first) return;
  const firstMeta = zarrayOf(first.refs, path) ?? {};
  const describe = (z: typeof firstMeta) => `shape ${JSON.stringify(shapeOf(z))} dtype ${z.dtype}`;
  const differing: FileValue[] = ordered
    .filter((i) => !zarrayOf(i.refs, path))
    .map((i) => ({ url: i.url, value: "the array is absent" }));
  let reference: Array<number | string> | undefined;
  for (const input of holders.slice(1)) {
    const meta = zarrayOf(input.refs, path) ?? {};
    if (describe(meta) !== describe(firstMeta)) {
      differing.push({ url: input.url, value: `${describe(meta)} instead of ${describe(firstMeta)}` });
      continue;
    }
    if (sameChunks(first, input, path)) continue;
    reference ??= await valuesOf(first, path, read);
    const values = await valuesOf(input, path, read);
    const difference = firstDifference(reference, values);
    if (difference) differing.push({ url: input.url, value: difference });
  }
  if (differing.length > 0) throw new IdenticalArrayError(path, first.url, differing);
}
