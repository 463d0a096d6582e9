/** parseDtype lives in refs/model (pure, so refs/combine needs no store); the sizes it accepts are those the store decodes. */
import { describe, expect, it } from "vitest";
import { parseDtype } from "../../refs/model/index.js";
import { parseDtype as storeParseDtype } from "../../refs/store/index.js";

describe("parseDtype", () => {
  it("parses kind, size, byte order and lanes", () => {
    expect(parseDtype("<f8")).toEqual({ text: "<f8", kind: "f", itemsize: 8, littleEndian: true, lanes: 1 });
    expect(parseDtype(">i2")).toMatchObject({ kind: "i", itemsize: 2, littleEndian: false });
    expect(parseDtype("<U3")).toMatchObject({ kind: "U", itemsize: 12 });
    expect(parseDtype("|O")).toMatchObject({ kind: "O", itemsize: 0 });
    expect(parseDtype("<c16")).toMatchObject({ kind: "c", itemsize: 16, lanes: 2 });
    expect(parseDtype("<M8[s]")).toMatchObject({ kind: "M", itemsize: 8 });
    expect(parseDtype("|V5")).toMatchObject({ kind: "V", itemsize: 5 });
  });

  it("refuses sizes the store cannot decode and text that is no dtype", () => {
    for (const text of ["<f16", "<i3", "|b2", "<M4", "<c4", "<u16", "float64", "<x4", ""])
      expect(parseDtype(text), text).toBeUndefined();
  });

  it("is the one the store uses", () => {
    expect(storeParseDtype).toBe(parseDtype);
  });
});
