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
/** Kept whatever `include` says, so the result stays a GeoJSON Feature a client can page and link. */
const ALWAYS = ["type", "id", "links"];

/** Check fields against the Item's members and the queryables (for properties.*). */
export function checkFields(spec: FieldsSpec, queryables: Queryable[]): void {
  const names = new Set(queryables.map((q) => q.name));
  for (const path of [...spec.include, ...spec.exclude]) {
    const [head, ...rest] = path.split(".");
    const sub = rest.join(".");
    const ok = TOP_LEVEL.has(head!) && (rest.length === 0 || (head === "properties" && names.has(sub)));
    if (!ok) throw new CatalogInputError(`"${path}" is not an Item member or a queryable property`, "fields");
  }
}

/** Apply include/exclude (STAC API fields extension) to one item. */
export function applyFields(item: Record<string, unknown>, spec: FieldsSpec): Record<string, unknown> {
  let out: Record<string, unknown> = item;
  if (spec.include.length) {
    out = {};
    for (const key of ALWAYS) if (key in item) out[key] = item[key];
    for (const path of spec.include) copyPath(item, out, path);
  } else out = structuredClone(item);
  for (const path of spec.exclude) {
    if (spec.include.includes(path) || ALWAYS.includes(path)) continue;
    const [head, sub] = splitPath(path);
    if (sub === undefined) delete out[head];
    else delete (out[head] as Record<string, unknown> | undefined)?.[sub];
  }
  return out;
}

function splitPath(path: string): [string, string | undefined] {
  const dot = path.indexOf(".");
  return dot < 0 ? [path, undefined] : [path.slice(0, dot), path.slice(dot + 1)];
}

function copyPath(from: Record<string, unknown>, to: Record<string, unknown>, path: string): void {
  const [head, sub] = splitPath(path);
  if (!(head in from)) return;
  if (sub === undefined) {
    to[head] = from[head];
    return;
  }
  const src = from[head] as Record<string, unknown> | undefined;
  if (!src || !(sub in src)) return;
  if (to[head] === undefined) to[head] = {};
  (to[head] as Record<string, unknown>)[sub] = src[sub];
}
