import { cellToChildren, cellToParent, getResolution, latLngToCell } from "h3-js";
import { describe, expect, it } from "vitest";
import { ancestorCells, cellRange, cellToHex, parseCell } from "../../catalog-api/h3/cell-ranges.js";

describe("H3 cells as integer ranges", () => {
  const cell = latLngToCell(37.77, -122.4, 7);

  it("ancestors match h3-js cellToParent at every coarser resolution", () => {
    const ancestors = ancestorCells(parseCell(cell)).map(cellToHex);
    expect(ancestors).toEqual([0, 1, 2, 3, 4, 5, 6].map((r) => cellToParent(cell, r)));
  });

  it("every descendant's range nests inside its ancestor's, and siblings' ranges are disjoint", () => {
    const parent = cellToParent(cell, 4);
    const outer = cellRange(parseCell(parent));
    const children = cellToChildren(parent, 5).map((c) => cellRange(parseCell(c)));
    for (const child of children) {
      expect(child.lo >= outer.lo && child.hi <= outer.hi).toBe(true);
      for (const grand of cellToChildren(cellToHex(child.cell), 6).map((c) => cellRange(parseCell(c)))) {
        expect(grand.lo >= child.lo && grand.hi <= child.hi).toBe(true);
      }
    }
    const sorted = [...children].sort((a, b) => (a.lo < b.lo ? -1 : 1));
    for (let i = 1; i < sorted.length; i++) expect(sorted[i]!.lo > sorted[i - 1]!.hi).toBe(true);
    // a neighbour of the parent shares no part of its range
    const other = cellRange(parseCell(latLngToCell(40.7, -74, 4)));
    expect(other.hi < outer.lo || other.lo > outer.hi).toBe(true);
  });

  it("a res-15 cell is a one-value range and resolutions read back", () => {
    const fine = latLngToCell(1, 2, 15);
    const r = cellRange(parseCell(fine));
    expect(r.lo).toBe(r.hi);
    expect(r.resolution).toBe(getResolution(fine));
  });

  it("rejects text that is not a valid cell", () => {
    for (const bad of ["zz", "8928308280fffff' OR 1=1", "0", "ffffffffffffffff"]) {
      expect(() => parseCell(bad)).toThrow(/not a valid H3 cell/);
    }
  });
});
