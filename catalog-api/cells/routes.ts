import type { Context, Hono } from "hono";
import { apiError } from "../api/http-errors.js";
import type { CatalogStore } from "../backend/store.js";
import { DataRoots } from "./data-roots.js";
import { CellsDatabase } from "./duckdb-runner.js";
import { cellsFormat, MEDIA_TYPES } from "./negotiate.js";
import { cellsCsv, cellsGeoJson, type PageLink } from "./output.js";
import { cellsFromBody, cellsFromQuery } from "./parse-params.js";
import type { CellsFormat, CellsRequest } from "./request.js";
import { runCells } from "./run-cells.js";

/**
 * GET and POST /collections/{id}/cells: rows of the collection's H3 Parquet, answered by an in-process DuckDB
 * over the files its items name, read only inside the data roots. The database is opened on the first query.
 */
export function cellsRoutes(
  app: Hono,
  o: { store: CatalogStore; dataRoots?: readonly string[]; cells?: CellsDatabase },
): void {
  const roots = DataRoots.parse(o.dataRoots ?? []);
  const db = o.cells ?? new CellsDatabase(roots);

  app.get("/collections/:collectionId/cells", async (c) => {
    const query = c.req.query();
    const req = cellsFromQuery(query);
    const format = cellsFormat(query.f, c.req.header("accept"));
    return answer(c, req, format, (token) => {
      const url = new URL(c.req.url);
      url.searchParams.set("token", token);
      return { rel: "next", href: url.href, type: MEDIA_TYPES[format] };
    });
  });

  app.post("/collections/:collectionId/cells", async (c) => {
    const body = await c.req.json().catch(() => {
      throw apiError(400, "body: not valid JSON");
    });
    const req = cellsFromBody(body);
    const format = cellsFormat(c.req.query("f"), c.req.header("accept"));
    return answer(c, req, format, (token) => ({
      rel: "next",
      href: c.req.url,
      type: MEDIA_TYPES[format],
      method: "POST",
      body: { ...(body as Record<string, unknown>), token },
    }));
  });

  async function answer(
    c: Context,
    req: CellsRequest,
    format: CellsFormat,
    next: (token: string) => PageLink,
  ) {
    const id = c.req.param("collectionId")!;
    if (!(await o.store.getCollection(id))) throw apiError(404, `collection "${id}" not found`);
    const page = await runCells(db, roots, o.store, id, req, format);
    const links: PageLink[] = page.next ? [next(page.next)] : [];
    const headers: Record<string, string> = {
      "content-type": MEDIA_TYPES[format],
      "x-refs-files": String(page.files),
      "x-refs-cells-read": page.read,
    };
    // CSV and Parquet have no room for links: the next page goes in a Link header (RFC 8288), as for GeoJSON
    const nextLink = links[0];
    if (nextLink && !nextLink.method) headers.link = `<${nextLink.href}>; rel="next"`;
    if (format === "geojson") return c.body(cellsGeoJson(page, links), 200, headers);
    if (format === "csv") return c.body(cellsCsv(page), 200, headers);
    return c.body((page.parquet ?? new Uint8Array()) as Uint8Array<ArrayBuffer>, 200, headers);
  }
}
