import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Hono } from "hono";

/** Files the page loads, each from this package or from an npm package: nothing comes from a CDN. */
const require = createRequire(import.meta.url);
const CLIENT_FILES: Record<string, { path: () => string; type: string }> = {
  "map.js": { path: () => join(clientDir(), "map.js"), type: "text/javascript; charset=utf-8" },
  "map.css": { path: () => join(clientDir(), "map.css"), type: "text/css; charset=utf-8" },
  "maplibre-gl.js": {
    path: () => require.resolve("maplibre-gl/dist/maplibre-gl.js"),
    type: "text/javascript; charset=utf-8",
  },
  "maplibre-gl.css": {
    path: () => require.resolve("maplibre-gl/dist/maplibre-gl.css"),
    type: "text/css; charset=utf-8",
  },
};

/** The page's own files: beside this module in a checkout, or in the package's sources when running from dist/. */
function clientDir(): string {
  const beside = fileURLToPath(new URL("./client/", import.meta.url));
  if (existsSync(beside)) return beside;
  return fileURLToPath(new URL("../../../catalog-api/map/client/", import.meta.url));
}

/**
 * GET /map: a map of a collection's cells (MapLibre GL JS on a blank background, no tile server), drawn from
 * /collections/{id}/cells; its scripts and styles under /map/assets/.
 */
export function mapRoutes(app: Hono): void {
  const cache = new Map<string, Promise<Buffer>>();
  const read = (path: string) => {
    let file = cache.get(path);
    if (!file) {
      file = readFile(path);
      file.catch(() => cache.delete(path));
      cache.set(path, file);
    }
    return file;
  };
  app.get("/map", async (c) =>
    c.body((await read(join(clientDir(), "index.html"))).toString("utf8"), 200, {
      "content-type": "text/html; charset=utf-8",
    }),
  );
  app.get("/map/assets/:name", async (c) => {
    const entry = CLIENT_FILES[c.req.param("name")];
    if (!entry) return c.notFound();
    return c.body(new Uint8Array(await read(entry.path())), 200, {
      "content-type": entry.type,
      "cache-control": "public, max-age=3600",
    });
  });
}
