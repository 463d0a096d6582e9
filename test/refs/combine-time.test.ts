import { describe, expect, it } from "vitest";
import { daysOf, fieldsOf, invalidDate } from "../../refs/combine/calendars.js";
import type { CfTime } from "../../refs/combine/cf-time.js";
import {
  combineReferenceSets,
  convertTime,
  decodeTime,
  parseCfTime,
  TimeEncodingError,
} from "../../refs/combine/index.js";
import { MemoryFiles } from "./combine-helpers.js";

function cf(units: string, calendar?: string): CfTime {
  const t = parseCfTime(units, calendar);
  if (typeof t === "string") throw new Error(t);
  return t;
}

describe("calendars", () => {
  it("proleptic Gregorian day numbers equal JavaScript's Date over 4000 years, and round-trip", () => {
    for (let days = -800000; days < 700000; days += 997) {
      const d = new Date(days * 86400000);
      const fields = { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
      expect(daysOf("proleptic_gregorian", fields)).toBe(days);
      expect(fieldsOf("proleptic_gregorian", days)).toEqual(fields);
    }
  });

  it("standard switches from Julian to Gregorian: 1582-10-04 is the day before 1582-10-15", () => {
    const before = daysOf("standard", { year: 1582, month: 10, day: 4 });
    expect(daysOf("standard", { year: 1582, month: 10, day: 15 })).toBe(before + 1);
    expect(invalidDate("standard", { year: 1582, month: 10, day: 10 })).toMatch(/do not exist/);
    // Julian 1500 is a leap year (Gregorian would not be): Feb 29 exists in standard and julian only.
    expect(invalidDate("standard", { year: 1500, month: 2, day: 29 })).toBeUndefined();
    expect(invalidDate("proleptic_gregorian", { year: 1500, month: 2, day: 29 })).toBeDefined();
    for (const cal of ["julian", "noleap", "all_leap", "360_day", "standard"] as const) {
      for (let days = -200000; days < 200000; days += 173) {
        expect(daysOf(cal, fieldsOf(cal, days)), `${cal} ${days}`).toBe(days);
      }
    }
  });

  it("fixed-length calendars: 365, 366 and 360 days a year", () => {
    const span = (cal: "noleap" | "all_leap" | "360_day") =>
      daysOf(cal, { year: 2001, month: 1, day: 1 }) - daysOf(cal, { year: 2000, month: 1, day: 1 });
    expect([span("noleap"), span("all_leap"), span("360_day")]).toEqual([365, 366, 360]);
    expect(invalidDate("360_day", { year: 2001, month: 2, day: 30 })).toBeUndefined();
    expect(invalidDate("noleap", { year: 2000, month: 2, day: 29 })).toBeDefined();
  });
});

describe("CF time units", () => {
  it("re-encodes between units and reference dates exactly", () => {
    expect(convertTime(36, cf("hours since 2000-01-03"), cf("days since 2000-01-01"))).toBe(3.5);
    expect(
      convertTime(1, cf("days since 1970-01-01 00:00:00"), cf("seconds since 1970-01-01T00:00:00Z")),
    ).toBe(86400);
    expect(convertTime(0, cf("minutes since 2000-01-01 06:00:00 +06:00"), cf("hours since 2000-01-01"))).toBe(
      0,
    );
    // Day 59 of noleap 2000 is 2000-03-01, day 60 of the standard (leap) year 2000.
    expect(
      convertTime(59, cf("days since 2000-01-01", "noleap"), cf("days since 2000-01-01", "standard")),
    ).toBe(60);
    // 2001-03-01 in noleap is day 424 of standard counting from 2000-01-01 (2000 is a leap year).
    expect(convertTime(424, cf("days since 2000-01-01", "noleap"), cf("days since 2000-01-01"))).toBe(425);
  });

  it("refuses months/years and unknown calendars, naming them", () => {
    expect(parseCfTime("months since 2000-01-01", undefined)).toMatch(/"months" is not supported/);
    expect(parseCfTime("days since 2000-01-01", "lunar")).toMatch(/calendar "lunar"/);
  });
});

/** A file of daily values on `times` (encoded in units/calendar) with a variable equal to the file index. */
function timeFile(files: MemoryFiles, url: string, times: number[], units: string, calendar?: string) {
  return files.add(url, [
    {
      name: "time",
      dims: ["time"],
      shape: [times.length],
      value: ([i]) => times[i as number] as number,
      attrs: { units, ...(calendar ? { calendar } : {}) },
    },
    {
      name: "v",
      dims: ["time"],
      shape: [times.length],
      chunks: [1],
      value: ([i]) => times[i as number] as number,
    },
  ]);
}

describe("combining files with different time encodings", () => {
  it("re-encodes every file to the first file's units; the combined times decode to the files' own dates", async () => {
    const files = new MemoryFiles();
    const inputs = [
      timeFile(files, "a.nc", [0, 1], "days since 2000-01-01", "gregorian"),
      timeFile(files, "c.nc", [0, 6, 12], "hours since 2000-01-05 00:00:00", "standard"),
      timeFile(files, "b.nc", [172800, 259200], "seconds since 2000-01-01T00:00:00Z"),
    ];
    const result = await combineReferenceSets(inputs, {
      concatDims: ["time"],
      readCoordinate: files.readCoordinate,
    });
    expect(result.order).toEqual(["a.nc", "b.nc", "c.nc"]);
    expect(result.time.time).toEqual({
      units: "days since 2000-01-01",
      calendar: "standard",
      reencoded: ["c.nc", "b.nc"],
    });
    const time = await files.read(result.refs, "time");
    expect(time.values).toEqual([0, 1, 2, 3, 4, 4.25, 4.5]);
    expect(result.refs.metadata.get("time/.zattrs")).toMatchObject({
      units: "days since 2000-01-01",
      calendar: "standard",
    });
    // Decoded independently with Date: the dates the files' own encodings stood for, in order.
    const dates = time.values.map((d) => new Date(Date.UTC(2000, 0, 1) + d * 86400000).toISOString());
    expect(dates).toEqual([
      "2000-01-01T00:00:00.000Z",
      "2000-01-02T00:00:00.000Z",
      "2000-01-03T00:00:00.000Z",
      "2000-01-04T00:00:00.000Z",
      "2000-01-05T00:00:00.000Z",
      "2000-01-05T06:00:00.000Z",
      "2000-01-05T12:00:00.000Z",
    ]);
    // The data stays with its own file's steps.
    expect((await files.read(result.refs, "v")).values).toEqual([0, 1, 172800, 259200, 0, 6, 12]);
  });

  it("converts between calendars by date (noleap and 360_day into standard) and honours a chosen encoding", async () => {
    const files = new MemoryFiles();
    const inputs = [
      timeFile(files, "noleap.nc", [58, 59], "days since 2001-01-01", "noleap"), // 2001-02-28, 2001-03-01
      timeFile(files, "d360.nc", [0], "days since 2001-03-02", "360_day"),
    ];
    const result = await combineReferenceSets(inputs, {
      concatDims: ["time"],
      timeEncoding: { time: { units: "hours since 2001-01-01", calendar: "proleptic_gregorian" } },
      readCoordinate: files.readCoordinate,
    });
    expect(result.coordinates.time).toEqual([58 * 24, 59 * 24, 60 * 24]);
    const decoded = result.coordinates.time?.map((h) =>
      decodeTime(h as number, cf("hours since 2001-01-01", "proleptic_gregorian")),
    );
    expect(decoded?.map((d) => `${d.month}-${d.day}`)).toEqual(["2-28", "3-1", "3-2"]);
  });

  it("names the file and the value when a date does not exist in the target calendar", async () => {
    const files = new MemoryFiles();
    const inputs = [
      timeFile(files, "std.nc", [0], "days since 2001-01-01", "standard"),
      timeFile(files, "d360.nc", [58, 59], "days since 2001-01-01", "360_day"), // 2001-02-29, 2001-02-30
    ];
    const error = await combineReferenceSets(inputs, {
      concatDims: ["time"],
      readCoordinate: files.readCoordinate,
    }).catch((e) => e);
    expect(error).toBeInstanceOf(TimeEncodingError);
    expect(error.message).toContain("d360.nc");
    expect(error.message).toContain("value 58");
    expect(error.message).toContain("2001-02-29");
    expect(error.message).toContain("standard");
  });
});
