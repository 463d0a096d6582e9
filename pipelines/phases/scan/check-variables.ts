import type { ReferenceSet } from "../../../refs/model/index.js";
import type { StorageOptions } from "../../../refs/storage/index.js";
import { scanFile } from "../../../scanner/index.js";
import { openScanSource } from "../open-sources.js";

/** The array paths of a reference set (every `<path>/.zarray`), sorted. */
export function arrayPaths(refs: ReferenceSet): string[] {
  return [...refs.metadata.keys()]
    .filter((k) => k.endsWith("/.zarray"))
    .map((k) => k.slice(0, -"/.zarray".length))
    .sort();
}

/** Variables named but not among `arrays`, with a message naming what there is. */
export function unknownVariables(
  wanted: readonly string[],
  arrays: readonly string[],
  where: string,
): string | undefined {
  const missing = wanted.filter((v) => !arrays.includes(v));
  if (missing.length === 0) return undefined;
  return `no variable ${missing.map((v) => `"${v}"`).join(", ")} in ${where}; its arrays: ${arrays.join(", ")}`;
}

/**
 * `refs init --variable`: the first source file's metadata is scanned (no data read) and variables it does not
 * hold are refused at once, naming the arrays it has. Returns the message, or undefined when all are there.
 */
export async function checkVariablesInFirstFile(
  url: string,
  variables: readonly string[],
  storage: StorageOptions,
): Promise<string | undefined> {
  if (variables.length === 0) return undefined;
  const source = openScanSource(url, storage);
  const { refs } = await scanFile(source, url);
  return unknownVariables(variables, arrayPaths(refs), `the first source file ${url}`);
}
