import type { StacCollection, StacItem, StacLink } from "../stac/types.js";

const GEOJSON = "application/geo+json";
const JSON_TYPE = "application/json";
const STRUCTURAL = new Set(["self", "parent", "collection", "root", "items", "queryables"]);

/** Links an API answer carries, built from the server's base URL (no trailing slash). */
export function itemLinks(base: string, item: StacItem): StacLink[] {
  return itemLinksOf(base, item.collection ?? "", item.id, item.links);
}

/** The same links from an item's collection, id and stored links (a search answer never parses the item). */
export function itemLinksOf(base: string, collection: string, id: string, stored: unknown): StacLink[] {
  const coll = `${base}/collections/${encodeURIComponent(collection)}`;
  return [
    { rel: "self", href: `${coll}/items/${encodeURIComponent(id)}`, type: GEOJSON },
    { rel: "parent", href: coll, type: JSON_TYPE },
    { rel: "collection", href: coll, type: JSON_TYPE },
    { rel: "root", href: `${base}/`, type: JSON_TYPE },
    ...keptLinks(stored, `item "${id}" of collection "${collection}"`),
  ];
}

export function collectionLinks(base: string, c: StacCollection): StacLink[] {
  const self = `${base}/collections/${encodeURIComponent(c.id)}`;
  return [
    { rel: "self", href: self, type: JSON_TYPE },
    { rel: "parent", href: `${base}/`, type: JSON_TYPE },
    { rel: "root", href: `${base}/`, type: JSON_TYPE },
    { rel: "items", href: `${self}/items`, type: GEOJSON },
    {
      rel: "http://www.opengis.net/def/rel/ogc/1.0/queryables",
      href: `${self}/queryables`,
      type: "application/schema+json",
    },
    ...keptLinks(c.links, `collection "${c.id}"`),
  ];
}

/**
 * Links from the stored object that still mean something here: absolute ones that are not structural. Writes are
 * checked, but a row written before the checks (or by hand) may hold anything: what is not a link is left out
 * (and reported once per object) rather than failing the whole answer.
 */
function keptLinks(links: unknown, owner: string): StacLink[] {
  if (links === undefined || links === null) return [];
  if (!Array.isArray(links)) {
    reportBadRow(owner, "links is not a list");
    return [];
  }
  const wellFormed = links.filter(
    (l): l is StacLink =>
      typeof l === "object" && l !== null && typeof l.rel === "string" && typeof l.href === "string",
  );
  if (wellFormed.length !== links.length) reportBadRow(owner, "links has entries that are not links");
  return wellFormed.filter(
    (l) => !STRUCTURAL.has(l.rel) && /^[a-z][a-z0-9+.-]*:/i.test(l.href) && l.rel !== "item",
  );
}

const reported = new Set<string>();

/** A stored object the API cannot serve as stored: say so on the server's log, once per object and process. */
export function reportBadRow(owner: string, what: string): void {
  const key = `${owner}\u0000${what}`;
  if (reported.has(key) || reported.size > 10_000) return;
  reported.add(key);
  console.error(`refs serve: stored ${owner}: ${what}; served without it (fix or replace the object)`);
}

export function withItemLinks(base: string, item: StacItem): StacItem {
  return { ...item, links: itemLinks(base, item) };
}

export function withCollectionLinks(base: string, c: StacCollection): StacCollection {
  return { ...c, links: collectionLinks(base, c) };
}
