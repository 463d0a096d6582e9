import { describe, expect, it } from "vitest";
import { CatalogInputError } from "../../catalog-api/errors.js";
import { searchFromBody, searchFromQuery } from "../../catalog-api/search/parse-params.js";

describe("limit", () => {
  it("above the maximum becomes the maximum, GET and POST alike", () => {
    expect(searchFromQuery({ limit: "10001" }).limit).toBe(10000);
    expect(searchFromQuery({ limit: "99999999999" }).limit).toBe(10000);
    expect(searchFromBody({ limit: 10_000_000 }).limit).toBe(10000);
    expect(searchFromQuery({ limit: "10000" }).limit).toBe(10000);
    expect(searchFromQuery({ limit: "1" }).limit).toBe(1);
    expect(searchFromQuery({}).limit).toBe(10);
  });

  it("zero, negative, fractional and non-numeric limits are input errors", () => {
    for (const limit of ["0", "-1", "1.5", "1e3", "", " 5", "x"])
      expect(() => searchFromQuery({ limit }), limit).toThrow(CatalogInputError);
    for (const limit of [0, -3, 2.5, "-7", null, true, Number.POSITIVE_INFINITY])
      expect(() => searchFromBody({ limit }), String(limit)).toThrow(CatalogInputError);
  });
});
