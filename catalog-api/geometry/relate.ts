import GeometryFactory from "jsts/org/locationtech/jts/geom/GeometryFactory.js";
import GeoJSONReader from "jsts/org/locationtech/jts/io/GeoJSONReader.js";
import RelateOp from "jsts/org/locationtech/jts/operation/relate/RelateOp.js";
import UnaryUnionOp from "jsts/org/locationtech/jts/operation/union/UnaryUnionOp.js";
import IsValidOp from "jsts/org/locationtech/jts/operation/valid/IsValidOp.js";
import type { Geometry } from "./geojson.js";

/** DE-9IM relations of CQL2's spatial functions other than s_intersects (geometry/intersects.ts has that one). */
export type Relation = "s_contains" | "s_within" | "s_equals" | "s_touches" | "s_crosses" | "s_overlaps";

/** A parsed JTS geometry (opaque to callers: parse once, relate many times). */
export type JtsGeometry = { readonly __jts: unique symbol };

const reader = new GeoJSONReader(new GeometryFactory());

/**
 * GeoJSON to a JTS geometry, planar (lon/lat as x/y, like PostGIS on geometry columns). A multi-part geometry is
 * replaced by the union of its parts: an item's footprint (the outlines of its H3 cells) may have parts that share
 * edges or overlap, which the relate algorithm refuses ("side location conflict"); the union is the same point set
 * in a valid form. The PostgreSQL store keeps the same union (see postgres-store.ts), so both backends relate the
 * same shapes.
 */
export function toJts(g: Geometry): JtsGeometry {
  const parsed = reader.read(g);
  const multi = g.type === "GeometryCollection" || (g.type === "MultiPolygon" && g.coordinates.length > 1);
  return (multi ? UnaryUnionOp.union(parsed) : parsed) as JtsGeometry;
}

/** Why a query geometry cannot be related (self-intersecting ring, ...), or undefined when it is valid. */
export function invalidReason(g: Geometry): string | undefined {
  const op = new IsValidOp(reader.read(g));
  if (op.isValid()) return undefined;
  const e = op.getValidationError();
  const c = e.getCoordinate();
  return c ? `${e.getMessage()} at (${c.x}, ${c.y})` : String(e.getMessage());
}

/** Whether `a REL b` holds (exact, as JTS computes the DE-9IM matrix: the same model as PostGIS/GEOS). */
export function relate(a: JtsGeometry, b: JtsGeometry, relation: Relation): boolean {
  switch (relation) {
    case "s_contains":
      return Boolean(RelateOp.contains(a, b));
    case "s_within":
      return Boolean(RelateOp.contains(b, a));
    case "s_equals":
      return Boolean(RelateOp.equalsTopo(a, b));
    case "s_touches":
      return Boolean(RelateOp.touches(a, b));
    case "s_crosses":
      return Boolean(RelateOp.crosses(a, b));
    case "s_overlaps":
      return Boolean(RelateOp.overlaps(a, b));
  }
}
