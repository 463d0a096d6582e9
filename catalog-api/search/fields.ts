import { CatalogInputError } from "../errors.js";
import type { Queryable } from "./queryables.js";
import type { FieldsSpec } from "./request.js";

const TOP_LEVEL = new Set([
  "type",
  "stac_version",
  "stac_extensions",
  "id",
  "geometry",
  "bbox",
  "properties",
  "links",
  "assets",
  "collection",
]);
/** Members whose parts may be named (assets.data, assets.data.href); properties.* must be queryables. */
const NESTED = new Set(["properties", "assets"]);
/** Kept whatever `include` says, so the result stays a GeoJSON Feature a client can page and link. */
const ALWAYS = ["type", "id", "links"];

/** Check fields against the Item's members and the queryables (for properties.*). */
export function checkFields(spec: FieldsSpec, queryables: Queryable[]): void {
  const names = new Set(queryables.map((q) => q.name));
  for (const path of [...spec.include, ...spec.exclude]) {
    const [head, ...rest] = path.split(".");
    const ok =
      TOP_LEVEL.has(head!) &&
      (rest.length === 0 ||
        (NESTED.has(head!) && rest.every((s) => s !== "") && (head !== "properties" || names.has(rest[0]!))));
    if (!ok)
      throw new CatalogInputError(
        `"${path}" is not an Item member, a part of assets or a queryable property`,
        "fields",
      );
  }
}

/**
 * Apply include/exclude (STAC API fields extension) to one item. With include, the item is reduced to those paths
 * (plus type, id and links); exclude then removes paths, except where the same path, or a path inside it, is
 * included: `-properties,+properties.x` keeps properties.x.
 */
export function applyFields(item: Record<string, unknown>, spec: FieldsSpec): Record<string, unknown> {
  let out: Record<string, unknown>;
  if (spec.include.length) {
    out = {};
    for (const key of ALWAYS) if (key in item) out[key] = item[key];
    for (const path of spec.include) copyPath(item, out, path.split("."));
  } else out = structuredClone(item);
  for (const path of spec.exclude) {
    if (spec.include.includes(path) || ALWAYS.includes(path)) continue;
    deletePath(out, path.split("."));
    // the more specific include wins over its excluded parent
    for (const inner of spec.include) if (inner.startsWith(`${path}.`)) copyPath(item, out, inner.split("."));
  }
  return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function copyPath(from: Record<string, unknown>, to: Record<string, unknown>, path: string[]): void {
  const [head, ...rest] = path as [string, ...string[]];
  if (!(head in from)) return;
  if (rest.length === 0) {
    to[head] = structuredClone(from[head]);
    return;
  }
  const src = from[head];
  if (!isObject(src)) return;
  if (!isObject(to[head])) to[head] = {};
  copyPath(src, to[head] as Record<string, unknown>, rest);
}

function deletePath(obj: Record<string, unknown>, path: string[]): void {
  const [head, ...rest] = path as [string, ...string[]];
  if (rest.length === 0) {
    delete obj[head];
    return;
  }
  const inner = obj[head];
  if (isObject(inner)) deletePath(inner, rest);
}
