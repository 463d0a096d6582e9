import type { Context } from "hono";
import { applyFields } from "../search/fields.js";
import type { SearchRequest } from "../search/request.js";
import type { FoundItem, SearchPage } from "../search/run-search.js";
import type { StacItem, StacLink } from "../stac/types.js";
import { baseUrl, requestUrl } from "./context.js";
import { cutMember } from "./json-member.js";
import { itemLinksOf, reportBadRow } from "./links.js";

/**
 * A page of results as GeoJSON FeatureCollection text with its paging links: for GET the same URL with the new
 * token, for POST the same body with the new token (so POST paging never falls back to GET). Items are spliced in
 * as the store's JSON text; only `fields` needs them parsed.
 */
export function itemCollectionText(
  c: Context,
  req: SearchRequest,
  page: SearchPage,
  postBody?: Record<string, unknown>,
): string {
  const base = baseUrl(c);
  const features = page.items.flatMap((found) => {
    let text: string;
    try {
      text = featureText(base, found);
    } catch (e) {
      // a row that is not an item's JSON (written around the API) is left out and reported, not a 500
      reportBadRow(`item "${found.id}" of collection "${found.collection}"`, String(e));
      return [];
    }
    return [req.fields ? JSON.stringify(applyFields(JSON.parse(text) as StacItem, req.fields)) : text];
  });
  const links: StacLink[] = [{ rel: "root", href: `${base}/`, type: "application/json" }];
  const self = requestUrl(c);
  links.push({ rel: "self", href: self, type: "application/geo+json" });
  if (page.next) links.push(pageLink("next", self, page.next, postBody));
  if (page.prev) links.push(pageLink("prev", self, page.prev, postBody));
  const matched = page.numberMatched === undefined ? "" : `,"numberMatched":${page.numberMatched}`;
  return `{"type":"FeatureCollection","features":[${features.join(",")}],"links":${JSON.stringify(links)},"numberReturned":${features.length}${matched}}`;
}

function pageLink(
  rel: "next" | "prev",
  self: string,
  token: string,
  postBody?: Record<string, unknown>,
): StacLink {
  if (postBody) {
    return {
      rel,
      href: self,
      type: "application/geo+json",
      method: "POST",
      body: { ...postBody, token } as never,
      merge: false,
    };
  }
  const url = new URL(self);
  url.searchParams.set("token", token);
  return { rel, href: url.toString(), type: "application/geo+json", method: "GET" };
}

/** The stored item text with the API's links in place of its own; only stored links other than [] are parsed. */
export function featureText(base: string, found: FoundItem): string {
  const { rest, value } = cutMember(found.text, "links");
  const stored = value === undefined || value === "[]" ? undefined : (JSON.parse(value) as unknown);
  const links = JSON.stringify(itemLinksOf(base, found.collection, found.id, stored));
  const open = rest.trimEnd().slice(0, -1).trimEnd();
  return `${open}${open.endsWith("{") ? "" : ","}"links":${links}}`;
}
