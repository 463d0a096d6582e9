import type { StacCollection, StacItem, StacLink } from "../stac/types.js";

const GEOJSON = "application/geo+json";
const JSON_TYPE = "application/json";
const STRUCTURAL = new Set(["self", "parent", "collection", "root", "items", "queryables"]);

/** Links an API answer carries, built from the server's base URL (no trailing slash). */
export function itemLinks(base: string, item: StacItem): StacLink[] {
  return itemLinksOf(base, item.collection ?? "", item.id, item.links);
}

/** The same links from an item's collection, id and stored links (a search answer never parses the item). */
export function itemLinksOf(
  base: string,
  collection: string,
  id: string,
  stored: StacLink[] | undefined,
): StacLink[] {
  const coll = `${base}/collections/${encodeURIComponent(collection)}`;
  return [
    { rel: "self", href: `${coll}/items/${encodeURIComponent(id)}`, type: GEOJSON },
    { rel: "parent", href: coll, type: JSON_TYPE },
    { rel: "collection", href: coll, type: JSON_TYPE },
    { rel: "root", href: `${base}/`, type: JSON_TYPE },
    ...keptLinks(stored),
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
    ...keptLinks(c.links),
  ];
}

/** Links from the stored object that still mean something here: absolute ones that are not structural. */
function keptLinks(links: StacLink[] | undefined): StacLink[] {
  return (links ?? []).filter(
    (l) => !STRUCTURAL.has(l.rel) && /^[a-z][a-z0-9+.-]*:/i.test(l.href) && l.rel !== "item",
  );
}

export function withItemLinks(base: string, item: StacItem): StacItem {
  return { ...item, links: itemLinks(base, item) };
}

export function withCollectionLinks(base: string, c: StacCollection): StacCollection {
  return { ...c, links: collectionLinks(base, c) };
}
