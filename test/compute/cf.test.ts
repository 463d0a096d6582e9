import { describe, expect, it } from "vitest";
import { cfDecoder } from "../../compute/cf/decode.js";
import { decodeTimes } from "../../compute/cf/time.js";
import { CalendarError } from "../../compute/errors.js";
import { type ArrayInfo, arrayInfo } from "../../compute/source.js";

const info = (
  dtype: string,
  attrs: ArrayInfo["attrs"],
  fillValue: ArrayInfo["fillValue"] = null,
): ArrayInfo => ({
  path: "v",
  shape: [4],
  chunks: [4],
  dtype,
  fillValue,
  dims: ["x"],
  attrs,
});

function decode(i: ArrayInfo, raw: number[]): number[] {
  const out = new Float64Array(raw.length);
  cfDecoder(i).decode(raw, out);
  return [...out];
}

describe("CF value decoding", () => {
  it("applies scale_factor and add_offset after dropping _FillValue", () => {
    const i = info("<i2", { scale_factor: 0.5, add_offset: 10, _FillValue: -1 });
    expect(decode(i, [0, 2, -1, 4])).toEqual([10, 11, Number.NaN, 12]);
    expect(cfDecoder(i).outputType).toBe("float64");
  });

  it("drops missing_value lists, GDAL nodata, the Zarr fill_value and NaN", () => {
    expect(decode(info("<f8", { missing_value: [1, 2] }), [1, 2, 3, Number.NaN])).toEqual([
      Number.NaN,
      Number.NaN,
      3,
      Number.NaN,
    ]);
    expect(decode(info("<u1", { nodata: 0 }), [0, 5, 0, 7])).toEqual([Number.NaN, 5, Number.NaN, 7]);
    expect(decode(info("<f4", {}, -9999), [-9999, 1.5, 2, 3])).toEqual([Number.NaN, 1.5, 2, 3]);
    expect(cfDecoder(info("<f4", {})).outputType).toBe("float32");
  });

  it("honours valid_range and _Unsigned", () => {
    expect(decode(info("<f8", { valid_range: [0, 10] }), [-1, 0, 10, 11])).toEqual([
      Number.NaN,
      0,
      10,
      Number.NaN,
    ]);
    // int8 -1 read as unsigned is 255, which is the fill value.
    expect(decode(info("|i1", { _Unsigned: "true", _FillValue: 255 }), [-1, -2, 3, 0])).toEqual([
      Number.NaN,
      254,
      3,
      0,
    ]);
  });
});

describe("CF time decoding", () => {
  it("standard and proleptic_gregorian calendars after 1582 agree with Date.UTC", () => {
    expect([...decodeTimes([0, 36, 1.5], "hours since 2022-01-31 20:00:00", "standard")]).toEqual([
      Date.UTC(2022, 0, 31, 20),
      Date.UTC(2022, 1, 2, 8),
      Date.UTC(2022, 0, 31, 21, 30),
    ]);
    expect([...decodeTimes([1], "days since 1900-01-01", "proleptic_gregorian")]).toEqual([
      Date.UTC(1900, 0, 2),
    ]);
    expect([...decodeTimes([60], "seconds since 1970-01-01T00:00:00Z")]).toEqual([60_000]);
    expect([...decodeTimes([0], "minutes since 2000-01-01 00:00 +01:00")]).toEqual([
      Date.UTC(1999, 11, 31, 23),
    ]);
  });

  it("standard crosses from Julian to Gregorian: 1582-10-04 + 1 day is 1582-10-15", () => {
    expect([...decodeTimes([1], "days since 1582-10-04", "standard")]).toEqual([Date.UTC(1582, 9, 15)]);
    // Before the switch the standard calendar is Julian: Julian 1000-01-01 is Gregorian 1000-01-06.
    expect([...decodeTimes([0], "days since 1000-01-01", "gregorian")]).toEqual([Date.UTC(1000, 0, 6)]);
    expect(() => decodeTimes([0], "days since 1582-10-10", "standard")).toThrow(CalendarError);
    // julian 2000-01-01 is Gregorian 2000-01-14
    expect([...decodeTimes([0], "days since 2000-01-01", "julian")]).toEqual([Date.UTC(2000, 0, 14)]);
  });

  it("noleap skips February 29th even in 2000", () => {
    expect([...decodeTimes([1, 366], "days since 2000-02-28", "noleap")]).toEqual([
      Date.UTC(2000, 2, 1),
      Date.UTC(2001, 2, 1),
    ]);
    expect([...decodeTimes([24], "hours since 2001-02-28", "365_day")]).toEqual([Date.UTC(2001, 2, 1)]);
  });

  it("360_day has 30-day months; February 30th is a clear error", () => {
    expect([...decodeTimes([29, 30, 360], "days since 2000-01-01", "360_day")]).toEqual([
      Date.UTC(2000, 0, 30),
      Date.UTC(2000, 1, 1),
      Date.UTC(2001, 0, 1),
    ]);
    expect(() => decodeTimes([59], "days since 2000-01-01", "360_day")).toThrow(/2000-02-30 does not exist/);
    expect(() => decodeTimes([1], "days since 2001-02-28", "all_leap")).toThrow(/2001-02-29/);
  });

  it("rejects units without fixed length, unknown calendars and bad dates", () => {
    expect(() => decodeTimes([1], "months since 2000-01-01")).toThrow(/no fixed length/);
    expect(() => decodeTimes([1], "days since 2000-01-01", "martian")).toThrow(/unknown calendar/);
    expect(() => decodeTimes([1], "days after 2000")).toThrow(CalendarError);
    expect(() => decodeTimes([1e300], "days since 2000-01-01")).toThrow(/representable/);
    expect(() => decodeTimes([Number.NaN], "days since 2000-01-01")).toThrow(/NaN/);
  });
});

describe("which fill_value marks missing data", () => {
  const refsWith = (rootAttrs: Record<string, unknown>, fill: unknown, attrs: Record<string, unknown> = {}) =>
    ({
      metadata: new Map<string, Record<string, unknown>>([
        [".zattrs", rootAttrs],
        ["0/.zarray", { shape: [4], chunks: [4], dtype: "<i2", fill_value: fill }],
        ["0/.zattrs", { _ARRAY_DIMENSIONS: ["x"], ...attrs }],
      ]),
      arrays: new Map(),
    }) as unknown as Parameters<typeof arrayInfo>[0];
  const geo = { KeyDirectoryVersion: 1, GTModelTypeGeoKey: 1 };

  it("NetCDF/HDF5: the fill_value (a _FillValue moved there, or NetCDF's default fill) is missing", () => {
    const info = arrayInfo(refsWith({}, -32767), "0");
    expect(info.fillMarksMissing).toBe(true);
    expect(decode(info, [-32767, 0, 1, 2])).toEqual([Number.NaN, 0, 1, 2]);
  });

  it("GeoTIFF: 0 without nodata is a value; nodata (attribute, or a non-zero fill_value of older references) is missing", () => {
    const plain = arrayInfo(refsWith(geo, 0), "0");
    expect(plain.fillMarksMissing).toBe(false);
    expect(decode(plain, [0, 1, 0, 2])).toEqual([0, 1, 0, 2]);
    const declared = arrayInfo(refsWith(geo, 0, { nodata: 0 }), "0");
    expect(decode(declared, [0, 1, 0, 2])).toEqual([Number.NaN, 1, Number.NaN, 2]);
    const older = arrayInfo(refsWith(geo, -9999), "0");
    expect(decode(older, [-9999, 0, 1, 2])).toEqual([Number.NaN, 0, 1, 2]);
  });
});
