/**
 * The attributes tifffile (so kerchunk) writes for a GeoTIFF: GDAL_METADATA items, the COG ghost-area values,
 * the GeoKey directory by key name, and the model tags (ModelPixelScale, ModelTiepoint, ModelTransformation).
 */
import type { GeoTIFF, GeoTIFFImage } from "geotiff";
import type { JsonObject, JsonValue } from "../../refs/model/index.js";

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

function unescapeXml(s: string): string {
  return s.replace(/&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-f]+);/gi, (_, e: string) => {
    if (e[0] === "#")
      return String.fromCodePoint(
        e[1] === "x" || e[1] === "X" ? Number.parseInt(e.slice(2), 16) : Number(e.slice(1)),
      );
    return ENTITIES[e.toLowerCase()] ?? "";
  });
}

/** `<Item name="N" ...>value</Item>` of GDAL's metadata XML; a later item of the same name wins. */
export function gdalMetadataItems(xml: string | undefined): JsonObject {
  const out: JsonObject = {};
  if (!xml) return out;
  for (const m of xml.matchAll(/<Item\b([^>]*)>([\s\S]*?)<\/Item>/g)) {
    const name = /\bname="([^"]*)"/.exec(m[1] ?? "")?.[1];
    if (name) out[unescapeXml(name)] = unescapeXml(m[2] ?? "");
  }
  return out;
}

function jsonOf(value: unknown): JsonValue {
  if (typeof value === "bigint") return Number(value);
  if (typeof value === "number" || typeof value === "string") return value;
  if (Array.isArray(value) || ArrayBuffer.isView(value)) {
    const list = Array.from(value as ArrayLike<number>, (v) => Number(v));
    return list.length === 1 ? (list[0] as number) : list;
  }
  return null;
}

/** GeoKeys by name, after the directory header's version numbers (tifffile's attribute names). */
export function geoKeyAttributes(image: GeoTIFFImage): JsonObject {
  const fd = image.fileDirectory;
  const raw = fd.getValue("GeoKeyDirectory" as never) as ArrayLike<number> | undefined;
  if (!raw) return {};
  const out: JsonObject = {
    KeyDirectoryVersion: Number(raw[0]),
    KeyRevision: Number(raw[1]),
    KeyRevisionMinor: Number(raw[2]),
  };
  for (const [key, value] of Object.entries(image.getGeoKeys() ?? {})) {
    if (key !== "undefined") out[key] = jsonOf(value);
  }
  return out;
}

export function modelTagAttributes(image: GeoTIFFImage): JsonObject {
  const fd = image.fileDirectory;
  const out: JsonObject = {};
  const list = (tag: string) => {
    const v = fd.getValue(tag as never) as ArrayLike<number> | undefined;
    return v ? Array.from(v, Number) : undefined;
  };
  const scale = list("ModelPixelScale");
  if (scale) out.ModelPixelScale = scale;
  const tie = list("ModelTiepoint");
  if (tie) out.ModelTiepoint = tie;
  const m = list("ModelTransformation");
  if (m) out.ModelTransformation = [0, 1, 2, 3].map((r) => m.slice(r * 4, r * 4 + 4));
  return out;
}

/** COG "ghost area" key=value lines (LAYOUT, BLOCK_ORDER, ...), without the size line itself. */
export async function ghostAttributes(tiff: GeoTIFF): Promise<JsonObject> {
  const values = (await tiff.getGhostValues()) ?? {};
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(values)) {
    const key = k.trim(); // geotiff.js keeps the indentation some GDAL versions write before a line
    if (key && key !== "GDAL_STRUCTURAL_METADATA_SIZE" && typeof v === "string") out[key] = v;
  }
  return out;
}
