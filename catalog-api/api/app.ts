import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { cellsRoutes } from "../cells/routes.js";
import { mapRoutes } from "../map/routes.js";
import { compressMiddleware } from "./compress.js";
import type { ApiOptions } from "./context.js";
import { corsMiddleware } from "./cors.js";
import { apiError, errorResponse } from "./http-errors.js";
import { publicUrlMiddleware } from "./public-url.js";
import { aggregateRoutes } from "./routes-aggregate.js";
import { coreRoutes } from "./routes-core.js";
import { searchRoutes } from "./routes-search.js";
import { transactionRoutes } from "./routes-transactions.js";

export type { ApiOptions } from "./context.js";

/** The STAC API as a Hono app; serve it with @hono/node-server or call app.request() in tests. */
export function createApp(options: ApiOptions): Hono {
  const app = new Hono();
  const maxSize = options.bodyLimit ?? 4 * 1024 * 1024;
  const limit = bodyLimit({
    maxSize,
    onError: () => {
      throw apiError(413, `body larger than ${maxSize} bytes`);
    },
  });
  // first: preflights are answered here, and every answer (errors too) carries the CORS headers
  app.use("*", corsMiddleware(Boolean(options.token)));
  app.use("*", compressMiddleware());
  app.use("*", publicUrlMiddleware(options));
  // no id, collection or filter holds NUL (PostgreSQL cannot store it): a clear 400 instead of a driver error
  app.use("*", async (c, next) => {
    if (/%00/i.test(c.req.url)) throw apiError(400, "the request URL contains a NUL character (%00)");
    await next();
  });
  // only methods with a body: reading c.req.raw.body on a GET would build a full Request for nothing
  app.use("*", (c, next) => (c.req.method === "GET" || c.req.method === "HEAD" ? next() : limit(c, next)));
  coreRoutes(app, options);
  searchRoutes(app, options);
  cellsRoutes(app, options);
  mapRoutes(app);
  aggregateRoutes(app, options);
  transactionRoutes(app, options);
  app.notFound(() => {
    throw apiError(404, "no such resource");
  });
  app.onError(errorResponse);
  return app;
}
