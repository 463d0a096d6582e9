import { CatalogInputError } from "../errors.js";
import { type CellsFormat, FORMATS } from "./request.js";

export const MEDIA_TYPES: Record<CellsFormat, string> = {
  geojson: "application/geo+json",
  csv: "text/csv; charset=utf-8",
  parquet: "application/vnd.apache.parquet",
};

/** The answer's format: `f=` wins, else the first Accept entry we serve, else GeoJSON. */
export function cellsFormat(f: string | undefined, accept: string | undefined): CellsFormat {
  if (f !== undefined) {
    const name = f === "json" ? "geojson" : f;
    if (!(FORMATS as readonly string[]).includes(name))
      throw new CatalogInputError(`"${f}" is not one of ${FORMATS.join(", ")}`, "f");
    return name as CellsFormat;
  }
  for (const entry of (accept ?? "").split(",")) {
    const type = entry.split(";")[0]!.trim().toLowerCase();
    if (type === "text/csv") return "csv";
    if (type === "application/vnd.apache.parquet" || type === "application/x-parquet") return "parquet";
    if (type === "application/geo+json" || type === "application/json") return "geojson";
  }
  return "geojson";
}
