/**
 * /api is a valid OpenAPI 3.0 document (the oas30 conformance class is advertised), checked by an independent
 * validator of the OpenAPI schema; its response schemas describe what the API really answers (checked with ajv
 * on live answers), and transaction operations appear only when a token enables them.
 */

import { Validator } from "@seriousme/openapi-schema-validator";
import { Ajv } from "ajv";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../catalog-api/api/app.js";
import { SqliteStore } from "../../catalog-api/backend/sqlite-store.js";
import { CELLS_QUERY_MEMBERS } from "../../catalog-api/cells/parse-params.js";
import { generatedCollection, generateItems } from "./generate-items.js";

// biome-ignore lint/suspicious/noExplicitAny: documents and answers are read field by field in assertions
type Json = Record<string, any>;
const WRITE = ["put", "patch", "delete"];

async function documentOf(app: ReturnType<typeof createApp>): Promise<Json> {
  const r = await app.request("http://api.test/api");
  expect(r.status).toBe(200);
  expect(r.headers.get("content-type")).toContain("application/vnd.oai.openapi+json");
  return (await r.json()) as Json;
}

async function validated(doc: Json): Promise<Json> {
  const validator = new Validator();
  const result = await validator.validate(structuredClone(doc));
  expect(result.errors ?? [], JSON.stringify(result.errors, null, 1)).toEqual([]);
  expect(result.valid).toBe(true);
  expect(validator.version).toBe("3.0");
  return validator.resolveRefs() as Json; // throws on a $ref that points nowhere
}

describe("OpenAPI document", () => {
  let store: SqliteStore;
  let withTx: ReturnType<typeof createApp>;
  let readOnly: ReturnType<typeof createApp>;

  beforeAll(async () => {
    store = new SqliteStore(":memory:");
    await store.putCollection(generatedCollection());
    await store.putItems("gen", generateItems(30));
    withTx = createApp({ store, token: "t" });
    readOnly = createApp({ store });
  });
  afterAll(() => store.close());

  it("is valid OpenAPI 3.0 with and without transactions; every path parameter is declared", async () => {
    for (const app of [withTx, readOnly]) {
      const doc = await documentOf(app);
      await validated(doc);
      const ids: string[] = [];
      for (const [path, item] of Object.entries(doc.paths as Record<string, Json>)) {
        const templated = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
        for (const [method, op] of Object.entries(item)) {
          if (method === "parameters") continue;
          ids.push(op.operationId);
          const declared = [...(item.parameters ?? []), ...(op.parameters ?? [])]
            .filter((p: Json) => p.in === "path")
            .map((p: Json) => p.name);
          expect(declared.sort(), `${method} ${path}`).toEqual([...templated].sort());
          expect(Object.keys(op.responses).length, `${method} ${path}`).toBeGreaterThan(0);
        }
      }
      expect(new Set(ids).size).toBe(ids.length);
    }
  });

  it("lists transaction operations, with bodies and the bearer scheme, only when a token is configured", async () => {
    const ro = await documentOf(readOnly);
    for (const [path, item] of Object.entries(ro.paths as Record<string, Json>)) {
      for (const m of WRITE) expect(item[m], `${m} ${path}`).toBeUndefined();
      // POST reads: /search, /aggregate (a search body) and the cells query
      if (!["/search", "/aggregate", "/collections/{collectionId}/cells"].includes(path))
        expect(item.post, `post ${path}`).toBeUndefined();
    }
    expect(ro.components.securitySchemes).toBeUndefined();
    const roHtml = await (await readOnly.request("http://api.test/api.html")).text();
    expect(roHtml).toContain("/search");
    expect(roHtml).not.toMatch(/<td>(PUT|PATCH|DELETE)<\/td>/);

    const tx = await documentOf(withTx);
    const ops = [
      ["/collections", "post"],
      ["/collections/{collectionId}", "put"],
      ["/collections/{collectionId}", "patch"],
      ["/collections/{collectionId}", "delete"],
      ["/collections/{collectionId}/items", "post"],
      ["/collections/{collectionId}/items/{itemId}", "put"],
      ["/collections/{collectionId}/items/{itemId}", "patch"],
      ["/collections/{collectionId}/items/{itemId}", "delete"],
    ] as const;
    for (const [path, method] of ops) {
      const op = tx.paths[path][method];
      expect(op, `${method} ${path}`).toBeDefined();
      expect(op.security).toEqual([{ bearer: [] }]);
      if (method !== "delete") expect(op.requestBody?.content, `${method} ${path}`).toBeDefined();
    }
    expect(tx.components.securitySchemes.bearer).toEqual({ type: "http", scheme: "bearer" });
    const txHtml = await (await withTx.request("http://api.test/api.html")).text();
    expect(txHtml).toMatch(/<td>DELETE<\/td><td><code>\/collections\/\{collectionId\}\/items\/\{itemId\}/);
  });

  it("lists the cells query with every parameter it accepts, and the map page", async () => {
    const doc = await validated(await documentOf(readOnly));
    const cells = doc.paths["/collections/{collectionId}/cells"];
    expect(cells.post.requestBody).toBeDefined();
    const names = (cells.get.parameters as Json[]).map((p) => p.name).sort();
    expect(names).toEqual([...CELLS_QUERY_MEMBERS].sort());
    expect(Object.keys(cells.get.responses[200].content).sort()).toEqual(
      ["application/geo+json", "application/vnd.apache.parquet", "text/csv"].sort(),
    );
    expect(doc.paths["/map"].get.responses[200].content["text/html"]).toBeDefined();
  });

  it("POST /search declares its body members, h3 and filter among them", async () => {
    const doc = await validated(await documentOf(readOnly));
    const schema = doc.paths["/search"].post.requestBody.content["application/json"].schema;
    expect(Object.keys(schema.properties)).toEqual(
      expect.arrayContaining(["collections", "ids", "bbox", "intersects", "datetime", "limit", "token"]),
    );
    expect(Object.keys(schema.properties)).toEqual(
      expect.arrayContaining(["h3", "filter", "filter-lang", "sortby", "fields"]),
    );
    const ajv = new Ajv({ strict: false, validateFormats: false });
    const check = ajv.compile(schema);
    const good = {
      h3: ["85283473fffffff"],
      filter: { op: "=", args: [{ property: "platform" }, "a"] },
      "filter-lang": "cql2-json",
      sortby: [{ field: "datetime", direction: "desc" }],
      fields: { include: ["id"], exclude: [] },
      limit: 5,
    };
    expect(check(good), JSON.stringify(check.errors)).toBe(true);
    // and the API accepts what the schema accepts
    const r = await readOnly.request("http://api.test/search", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ ...good, filter: "platform = 'a'", "filter-lang": "cql2-text" }),
    });
    expect(r.status).toBe(200);
    expect(check({ nonsense: 1 })).toBe(false);
    expect(check({ sortby: [{ field: "x", direction: "sideways" }] })).toBe(false);
  });

  it("the response schemas describe the real answers (and reject broken ones)", async () => {
    const doc = await validated(await documentOf(withTx));
    const ajv = new Ajv({ strict: false, validateFormats: false });
    const schemaOf = (path: string, method: string, status: number) => {
      const content = doc.paths[path][method].responses[status].content as Json;
      return Object.values(content)[0].schema as Json;
    };
    const cases: [string, string, string, number, RequestInit?][] = [
      ["/", "/", "get", 200],
      ["/conformance", "/conformance", "get", 200],
      ["/collections", "/collections", "get", 200],
      ["/collections/gen", "/collections/{collectionId}", "get", 200],
      ["/collections/gen/items?limit=4", "/collections/{collectionId}/items", "get", 200],
      ["/collections/gen/items/item-000003", "/collections/{collectionId}/items/{itemId}", "get", 200],
      ["/search?limit=3", "/search", "get", 200],
      ["/search?datetime=nonsense", "/search", "get", 400],
      ["/collections/none", "/collections/{collectionId}", "get", 404],
      ["/queryables", "/queryables", "get", 200],
      ["/collections/gen/queryables", "/collections/{collectionId}/queryables", "get", 200],
      [
        "/search",
        "/search",
        "post",
        200,
        { method: "POST", headers: { "content-type": "application/json" }, body: '{"limit":2}' },
      ],
    ];
    for (const [url, path, method, status, init] of cases) {
      const r = await withTx.request(`http://api.test${url}`, init);
      expect(r.status, url).toBe(status);
      const check = ajv.compile(schemaOf(path, method, status));
      const body = await r.json();
      expect(check(body), `${url}: ${JSON.stringify(check.errors)}`).toBe(true);
    }
    const itemSchema = ajv.compile(schemaOf("/collections/{collectionId}/items/{itemId}", "get", 200));
    const item = (await (
      await withTx.request("http://api.test/collections/gen/items/item-000003")
    ).json()) as Json;
    expect(itemSchema({ ...item, id: undefined })).toBe(false);
    expect(itemSchema({ ...item, type: "Collection" })).toBe(false);
    expect(itemSchema({ ...item, properties: { ...item.properties, datetime: 5 } })).toBe(false);
  });
});
