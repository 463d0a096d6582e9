/** The bit arithmetic behind h3 and resolution on cells, against h3-js (pentagons included), and bbox cells. */
import { cellToChildren, cellToLatLng, cellToParent, getPentagons, getRes0Cells, latLngToCell } from "h3-js";
import { describe, expect, it } from "vitest";
import { bboxCells } from "../../../catalog-api/cells/bbox-cells.js";
import { descendantRange, hexToCell, parentOf } from "../../../catalog-api/cells/h3-bits.js";
import { cellToHex } from "../../../catalog-api/h3/cell-ranges.js";

const samples = [
  ...getPentagons(2),
  ...getRes0Cells().slice(0, 6),
  latLngToCell(47.3, 8.5, 1),
  latLngToCell(-33.9, 151.2, 3),
  latLngToCell(64.1, -21.9, 4),
];

describe("descendant ranges and parents", () => {
  it("a cell's descendants at R are exactly the valid res-R cells in its range (hexagons and pentagons)", () => {
    for (const hex of samples) {
      const r = Number.parseInt(hex[1]!, 16);
      for (const R of [r, r + 1, r + 2]) {
        const children = cellToChildren(hex, R).map(hexToCell);
        const { lo, hi } = descendantRange(hexToCell(hex), R);
        for (const c of children) expect(c >= lo && c <= hi, `${cellToHex(c)} in range of ${hex}`).toBe(true);
        // neighbours' descendants (siblings' children) fall outside
        const parent = r > 0 ? cellToParent(hex, r - 1) : undefined;
        if (!parent) continue;
        for (const sibling of cellToChildren(parent, r).filter((s) => s !== hex))
          for (const c of cellToChildren(sibling, R).map(hexToCell))
            expect(c < lo || c > hi, `${cellToHex(c)} outside ${hex}`).toBe(true);
      }
    }
  });

  it("a finer cell's range is its ancestor at R", () => {
    const fine = latLngToCell(46.2, 6.1, 9);
    const { lo, hi } = descendantRange(hexToCell(fine), 5);
    expect(cellToHex(lo)).toBe(cellToParent(fine, 5));
    expect(hi).toBe(lo);
  });

  it("(cell & keep) | set is h3-js's cellToParent at every coarser resolution", () => {
    for (const hex of samples.flatMap((s) => cellToChildren(s, Number.parseInt(s[1]!, 16) + 3).slice(0, 50)))
      for (let p = 0; p < Number.parseInt(hex[1]!, 16); p++)
        expect(cellToHex(parentOf(hexToCell(hex), p))).toBe(cellToParent(hex, p));
  });
});

describe("bbox cells", () => {
  it("are the cells whose centre lies in the box, also across the antimeridian and at high latitude", () => {
    for (const [bbox, res] of [
      [[5.2, 44.7, 9.9, 48.1], 4],
      [[170, -20, -170, -5], 3],
      [[-40, 60, 40, 80], 3],
    ] as const) {
      const got = new Set(bboxCells([...bbox], res));
      // brute force: every child at `res` of every res-0 cell, kept by its centre
      const [w, s, e, n] = bbox;
      const want = getRes0Cells()
        .flatMap((c) => cellToChildren(c, res))
        .filter((c) => {
          const [lat, lng] = cellToLatLng(c);
          return lat >= s && lat <= n && (w <= e ? lng >= w && lng <= e : lng >= w || lng <= e);
        });
      expect(want.length).toBeGreaterThan(10);
      expect([...got].sort()).toEqual(want.sort());
    }
  });

  it("refuses a box holding more cells than allowed", () => {
    expect(() => bboxCells([-180, -80, 180, 80], 9)).toThrow(/more than 1000000/);
  });
});
