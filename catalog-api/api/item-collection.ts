import type { Context } from "hono";
import { applyFields } from "../search/fields.js";
import type { SearchRequest } from "../search/request.js";
import type { SearchPage } from "../search/run-search.js";
import type { StacLink } from "../stac/types.js";
import { baseUrl } from "./context.js";
import { withItemLinks } from "./links.js";

/**
 * A page of results as a GeoJSON FeatureCollection with its paging links: for GET the same URL with the new
 * token, for POST the same body with the new token (so POST paging never falls back to GET).
 */
export function itemCollection(
  c: Context,
  req: SearchRequest,
  page: SearchPage,
  postBody?: Record<string, unknown>,
) {
  const base = baseUrl(c);
  const features = page.items.map((item) => {
    const linked = withItemLinks(base, item);
    return req.fields ? applyFields(linked, req.fields) : linked;
  });
  const links: StacLink[] = [{ rel: "root", href: `${base}/`, type: "application/json" }];
  links.push({ rel: "self", href: c.req.url, type: "application/geo+json" });
  if (page.next) {
    if (postBody) {
      links.push({
        rel: "next",
        href: c.req.url,
        type: "application/geo+json",
        method: "POST",
        body: { ...postBody, token: page.next } as never,
        merge: false,
      });
    } else {
      const url = new URL(c.req.url);
      url.searchParams.set("token", page.next);
      links.push({ rel: "next", href: url.toString(), type: "application/geo+json", method: "GET" });
    }
  }
  const out: Record<string, unknown> = {
    type: "FeatureCollection",
    features,
    links,
    numberReturned: features.length,
  };
  if (page.numberMatched !== undefined) out.numberMatched = page.numberMatched;
  return out;
}
