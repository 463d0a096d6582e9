/**
 * proj4 and WKT 1 definitions of EPSG codes from the epsg-index package (one small JSON file per code, made from
 * the EPSG dataset with PROJ/GDAL). A proj4 string that needs a grid file (+nadgrids without the optional "@",
 * e.g. NAD27's NTv2_0.gsb) is left out: proj4js cannot transform through a grid it has not been given.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

export interface EpsgDefinition {
  name: string;
  kind: string;
  wkt: string | undefined;
  proj4: string | undefined;
}

const cache = new Map<number, EpsgDefinition | undefined>();
const resolve = createRequire(import.meta.url).resolve;

/** proj4 without PROJ's "+type=crs" (not a projection parameter), or undefined when it needs a grid file. */
function usableProj4(text: unknown): string | undefined {
  if (typeof text !== "string" || !text.startsWith("+proj=")) return undefined;
  if (/\+nadgrids=(?!@)/.test(text) || /\+geoidgrids=/.test(text)) return undefined;
  return text.replace(/\s*\+type=crs\b/, "").trim();
}

export function epsgDefinition(code: number): EpsgDefinition | undefined {
  if (!Number.isInteger(code) || code <= 0) return undefined;
  if (cache.has(code)) return cache.get(code);
  let def: EpsgDefinition | undefined;
  try {
    const doc = JSON.parse(readFileSync(resolve(`epsg-index/s/${code}.json`), "utf8")) as Record<
      string,
      unknown
    >;
    def = {
      name: String(doc.name ?? ""),
      kind: String(doc.kind ?? ""),
      wkt: typeof doc.wkt === "string" && doc.wkt ? doc.wkt : undefined,
      proj4: usableProj4(doc.proj4),
    };
  } catch {
    def = undefined; // no such code in the index (or an empty entry): the caller falls back to what it knows
  }
  cache.set(code, def);
  return def;
}
