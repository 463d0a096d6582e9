import type { ValueType } from "../backend/dialect.js";

export type TimeColumn = "dt_start" | "dt_end";

/**
 * A property that filter, sortby and fields may name. Columns are stored outside the JSON for speed; the others
 * are read from the item's properties with their declared type.
 */
export type Queryable =
  | { name: string; kind: "column"; column: "id" | "collection"; type: "string"; description: string }
  | { name: string; kind: "time"; start: TimeColumn; end: TimeColumn; description: string }
  | { name: string; kind: "geometry"; description: string }
  | { name: string; kind: "h3"; description: string }
  | { name: string; kind: "json"; type: ValueType; description: string };

export const CORE_QUERYABLES: Queryable[] = [
  { name: "id", kind: "column", column: "id", type: "string", description: "Item identifier" },
  {
    name: "collection",
    kind: "column",
    column: "collection",
    type: "string",
    description: "Collection identifier",
  },
  {
    name: "datetime",
    kind: "time",
    start: "dt_start",
    end: "dt_end",
    description: "Item time (its whole span)",
  },
  {
    name: "start_datetime",
    kind: "time",
    start: "dt_start",
    end: "dt_start",
    description: "Start of the item's span",
  },
  {
    name: "end_datetime",
    kind: "time",
    start: "dt_end",
    end: "dt_end",
    description: "End of the item's span",
  },
  { name: "geometry", kind: "geometry", description: "Item footprint" },
  { name: "h3:cells", kind: "h3", description: "H3 cells the item covers (compacted); use h3_intersects()" },
  { name: "h3:resolution", kind: "json", type: "integer", description: "H3 resolution of the item's data" },
];

/**
 * The queryables of a collection: the core ones plus a typed entry per scalar summary. Summaries written as
 * {minimum, maximum} are numbers; lists take the type of their first value.
 */
export function collectionQueryables(collection: Record<string, unknown>): Queryable[] {
  const out = [...CORE_QUERYABLES];
  const summaries = (collection.summaries ?? {}) as Record<string, unknown>;
  for (const [name, summary] of Object.entries(summaries)) {
    if (out.some((q) => q.name === name)) continue;
    const type = summaryType(summary);
    if (type)
      out.push({ name, kind: "json", type, description: `From the summaries of ${String(collection.id)}` });
  }
  return out;
}

function summaryType(summary: unknown): ValueType | undefined {
  if (Array.isArray(summary)) {
    const v = summary[0];
    if (typeof v === "string") return "string";
    if (typeof v === "boolean") return "boolean";
    if (typeof v === "number") return summary.every((x) => Number.isInteger(x)) ? "integer" : "number";
    return undefined;
  }
  const range = summary as { minimum?: unknown };
  if (typeof range === "object" && range !== null && typeof range.minimum === "number") return "number";
  if (typeof range === "object" && range !== null && typeof range.minimum === "string") return "string";
  return undefined;
}

/** Queryables over several collections: union by name (first definition wins). */
export function mergeQueryables(lists: Queryable[][]): Queryable[] {
  const byName = new Map<string, Queryable>();
  for (const q of lists.flat()) if (!byName.has(q.name)) byName.set(q.name, q);
  for (const q of CORE_QUERYABLES) if (!byName.has(q.name)) byName.set(q.name, q);
  return [...byName.values()];
}

/** The JSON Schema document served at /queryables. */
export function queryablesSchema(list: Queryable[], id: string, title: string): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  for (const q of list) properties[q.name] = { description: q.description, ...schemaOf(q) };
  return {
    $schema: "https://json-schema.org/draft/2019-09/schema",
    $id: id,
    type: "object",
    title,
    properties,
    additionalProperties: false,
  };
}

function schemaOf(q: Queryable): Record<string, unknown> {
  switch (q.kind) {
    case "column":
      return { type: "string" };
    case "time":
      return { type: "string", format: "date-time" };
    case "geometry":
      return { $ref: "https://geojson.org/schema/Geometry.json" };
    case "h3":
      return { type: "array", items: { type: "string", pattern: "^[0-9a-f]{15}$" } };
    case "json":
      return { type: q.type };
  }
}
