import { cellToParent, getRes0Cells, gridDisk, latLngToCell } from "h3-js";
import { expect, it } from "vitest";
import { cellKey, cellToBigInt, h0Of, keyToBigInt, keyToHex } from "../../compute/cells/h3.js";

it("52-bit keys round-trip, sort like the 64-bit values, and h0 equals cellToParent(cell, 0)", () => {
  const cells = [
    ...getRes0Cells(),
    ...gridDisk(latLngToCell(89.9, 10, 5), 3),
    ...gridDisk(latLngToCell(-33.9, 151.2, 9), 2),
    ...gridDisk(latLngToCell(0, 179.99, 15), 1),
  ];
  for (const c of cells) {
    const res = Number.parseInt(c[1] as string, 16);
    expect(keyToHex(cellKey(c), res)).toBe(c);
    expect(keyToBigInt(cellKey(c), res)).toBe(cellToBigInt(c));
    expect(h0Of(cellToBigInt(c))).toBe(cellToParent(c, 0));
  }
  const sameRes = gridDisk(latLngToCell(45, 45, 7), 5);
  const byKey = [...sameRes].sort((a, b) => cellKey(a) - cellKey(b));
  const byValue = [...sameRes].sort((a, b) => (cellToBigInt(a) < cellToBigInt(b) ? -1 : 1));
  expect(byKey).toEqual(byValue);
});
