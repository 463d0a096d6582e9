import { describe, expect, it } from "vitest";
import { parseCql2Json } from "../../catalog-api/cql2/json-parser.js";
import { parseCql2Text } from "../../catalog-api/cql2/text-parser.js";

/** The same filter in both encodings must give the same typed tree. */
const pairs: [string, unknown][] = [
  ["a = 1", { op: "=", args: [{ property: "a" }, 1] }],
  ["\"eo:cloud cover\" <> 'x''y'", { op: "<>", args: [{ property: "eo:cloud cover" }, "x'y"] }],
  [
    "a < 1 OR b >= -2.5e3 AND NOT c = TRUE",
    {
      op: "or",
      args: [
        { op: "<", args: [{ property: "a" }, 1] },
        {
          op: "and",
          args: [
            { op: ">=", args: [{ property: "b" }, -2500] },
            { op: "not", args: [{ op: "=", args: [{ property: "c" }, true] }] },
          ],
        },
      ],
    },
  ],
  [
    "(a = 1 or b = 2) and c is not null",
    {
      op: "and",
      args: [
        {
          op: "or",
          args: [
            { op: "=", args: [{ property: "a" }, 1] },
            { op: "=", args: [{ property: "b" }, 2] },
          ],
        },
        { op: "not", args: [{ op: "isNull", args: [{ property: "c" }] }] },
      ],
    },
  ],
  ["name NOT LIKE 'a%'", { op: "not", args: [{ op: "like", args: [{ property: "name" }, "a%"] }] }],
  ["x BETWEEN 1 AND 2", { op: "between", args: [{ property: "x" }, 1, 2] }],
  ["x NOT IN ('a', 'b')", { op: "not", args: [{ op: "in", args: [{ property: "x" }, ["a", "b"]] }] }],
  [
    "datetime > TIMESTAMP('2020-01-01T00:00:00Z')",
    { op: ">", args: [{ property: "datetime" }, { timestamp: "2020-01-01T00:00:00Z" }] },
  ],
  ["d = DATE('2020-02-29')", { op: "=", args: [{ property: "d" }, { date: "2020-02-29" }] }],
  [
    "T_DURING(datetime, INTERVAL('2020-01-01T00:00:00Z', '..'))",
    { op: "t_during", args: [{ property: "datetime" }, { interval: ["2020-01-01T00:00:00Z", ".."] }] },
  ],
  [
    "S_INTERSECTS(geometry, POINT(1 2))",
    { op: "s_intersects", args: [{ property: "geometry" }, { type: "Point", coordinates: [1, 2] }] },
  ],
  [
    "s_intersects(geometry, POLYGON((0 0, 1 0, 1 1, 0 0)))",
    {
      op: "s_intersects",
      args: [
        { property: "geometry" },
        {
          type: "Polygon",
          coordinates: [
            [
              [0, 0],
              [1, 0],
              [1, 1],
              [0, 0],
            ],
          ],
        },
      ],
    },
  ],
  [
    "S_INTERSECTS(geometry, MULTIPOINT((1 2), (3 4)))",
    {
      op: "s_intersects",
      args: [
        { property: "geometry" },
        {
          type: "MultiPoint",
          coordinates: [
            [1, 2],
            [3, 4],
          ],
        },
      ],
    },
  ],
  [
    "S_INTERSECTS(geometry, LINESTRING(1 2, 3 4))",
    {
      op: "s_intersects",
      args: [
        { property: "geometry" },
        {
          type: "LineString",
          coordinates: [
            [1, 2],
            [3, 4],
          ],
        },
      ],
    },
  ],
  [
    "S_INTERSECTS(geometry, BBOX(0, 0, 1, 1))",
    { op: "s_intersects", args: [{ property: "geometry" }, { bbox: [0, 0, 1, 1] }] },
  ],
  [
    "h3_intersects(\"h3:cells\", '8928308280fffff', '85283473fffffff')",
    { op: "h3_intersects", args: [{ property: "h3:cells" }, "8928308280fffff", "85283473fffffff"] },
  ],
  ["TRUE", true],
  [
    "S_CONTAINS(geometry, POINT(1 2))",
    { op: "s_contains", args: [{ property: "geometry" }, { type: "Point", coordinates: [1, 2] }] },
  ],
  [
    "s_disjoint(BBOX(0, 0, 1, 1), geometry)",
    { op: "s_disjoint", args: [{ bbox: [0, 0, 1, 1] }, { property: "geometry" }] },
  ],
  ["A_CONTAINS(tags, ('a', 1, TRUE))", { op: "a_contains", args: [{ property: "tags" }, ["a", 1, true]] }],
  ["a_overlaps((), tags)", { op: "a_overlaps", args: [[], { property: "tags" }] }],
  [
    "CASEI(ACCENTI(site)) LIKE casei('é%')",
    { op: "like", args: [{ casei: { accenti: { property: "site" } } }, { casei: "é%" }] },
  ],
];

describe("CQL2 parser", () => {
  it.each(pairs)("text and JSON agree: %s", (text, json) => {
    expect(parseCql2Text(text)).toEqual(parseCql2Json(json));
  });

  it("every temporal function parses in both encodings", () => {
    for (const op of [
      "T_AFTER",
      "T_BEFORE",
      "T_CONTAINS",
      "T_DISJOINT",
      "T_DURING",
      "T_EQUALS",
      "T_FINISHEDBY",
      "T_FINISHES",
      "T_INTERSECTS",
      "T_MEETS",
      "T_METBY",
      "T_OVERLAPPEDBY",
      "T_OVERLAPS",
      "T_STARTEDBY",
      "T_STARTS",
    ]) {
      const text = parseCql2Text(`${op}(datetime, TIMESTAMP('2020-01-01T00:00:00Z'))`);
      expect(text).toEqual(
        parseCql2Json({
          op: op.toLowerCase(),
          args: [{ property: "datetime" }, { timestamp: "2020-01-01T00:00:00Z" }],
        }),
      );
    }
  });

  it("rejects trailing input, broken syntax and bad literals with a position", () => {
    const bad = [
      "a = 1 b",
      "a = 1)",
      "a = 'open",
      "a = ",
      "a == 1",
      "(a = 1",
      "foo(a, 1)",
      "a = TIMESTAMP('2020-01-01')",
      "a = DATE('2020-13-01')",
      "S_INTERSECTS(geometry, POLYGON((0 0, 1 0, 1 1)))",
      "S_INTERSECTS(geometry, BBOX(0, 5, 1, 1))",
      "a = 1; DROP TABLE items",
      "a IS NOT 1",
      "T_DURING(datetime, INTERVAL('2020-01-01T00:00:00Z'))",
      "A_CONTAINS(tags, ('a', POINT(1 2)))",
      "A_CONTAINS(tags, ('a',))",
      "CASEI(a, b) = 'x'",
    ];
    for (const b of bad) expect(() => parseCql2Text(b), b).toThrow(/filter/);
    expect(() => parseCql2Text(`${"(".repeat(10000)}a = 1${")".repeat(10000)}`)).toThrow(/nested deeper/);
    expect(() => parseCql2Text(`${"NOT ".repeat(10000)}a = 1`)).toThrow(/nested deeper/);
  });

  it("rejects malformed CQL2 JSON", () => {
    const bad: unknown[] = [
      { op: "=", args: [{ property: "a" }] },
      { op: "and", args: [true] },
      { op: "drop", args: [] },
      { op: "=", args: [{ property: "a", extra: 1 }, 1] },
      { op: "=", args: [{ property: "a" }, { timestamp: "yesterday" }] },
      { op: "in", args: [{ property: "a" }, []] },
      { op: "h3_intersects", args: [{ property: "h3:cells" }, 5] },
      { op: "a_contains", args: [{ property: "tags" }, [{ property: "x" }]] },
      { op: "=", args: [{ casei: "a", extra: 1 }, "a"] },
      "a = 1",
      null,
    ];
    for (const b of bad) expect(() => parseCql2Json(b), JSON.stringify(b)).toThrow(/filter/);
    let deep: unknown = { op: "=", args: [{ property: "a" }, 1] };
    for (let i = 0; i < 100; i++) deep = { op: "not", args: [deep] };
    expect(() => parseCql2Json(deep)).toThrow(/nested deeper/);
  });
});
