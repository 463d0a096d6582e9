import { GeoTIFF } from "geotiff";
import type { StorageOptions } from "../../../refs/storage/index.js";
import { detectFormat, geotiffSource } from "../../../scanner/index.js";
import { ProjectConfigError } from "../../project/errors.js";
import { openScanned } from "../open-sources.js";

/**
 * The datetime of items whose data has no time: `catalog.datetime`, else the DateTime tag (306) of the first
 * source when it is a TIFF; never the time of processing. Undefined when the data has time (no item needs it).
 * Neither found: a ProjectConfigError asking for catalog.datetime.
 */
export async function dataDatetime(
  configFile: string,
  setting: string | undefined,
  firstSource: string | undefined,
  storage: StorageOptions,
): Promise<string> {
  if (setting) return new Date(setting).toISOString();
  const tag = firstSource ? await tiffDateTime(firstSource, storage) : undefined;
  if (tag) return tag;
  throw new ProjectConfigError(
    configFile,
    "catalog.datetime",
    `the data has no time and ${firstSource ?? "the first source"} no TIFF DateTime tag: set catalog.datetime (RFC 3339) to date the items`,
  );
}

/** "YYYY:MM:DD HH:MM:SS" of a TIFF's first image as ISO 8601 (UTC), or undefined. */
export async function tiffDateTime(url: string, storage: StorageOptions): Promise<string | undefined> {
  const source = openScanned(url, storage); // detection and the TIFF's IFDs through one cache
  if ((await detectFormat(source)) !== "tiff") return undefined;
  const { geotiff } = await geotiffSource(source);
  const tiff = await GeoTIFF.fromSource(geotiff as never);
  const image = await tiff.getImage(0);
  const fd = image.fileDirectory as unknown as { getValue?: (name: string) => unknown; DateTime?: unknown };
  const raw = String((fd.getValue ? fd.getValue("DateTime") : fd.DateTime) ?? "");
  const m = /^(\d{4}):(\d{2}):(\d{2})[ T](\d{2}):(\d{2}):(\d{2})/.exec(raw.trim());
  if (!m) return undefined;
  const iso = `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z`;
  return Number.isNaN(Date.parse(iso)) ? undefined : new Date(iso).toISOString();
}
