/**
 * Progress output as a terminal and as a log see it. The stream is a fake (a function collecting what is written,
 * and `tty` set by hand): what matters is the exact text and when it is written, which a real TTY would only let
 * us read back through a pseudo-terminal; the clock is faked so rates and ETAs are exact.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { formatBytes, formatDuration, Progress } from "../../pipelines/progress/progress.js";

let written: string[];
const write = (text: string) => void written.push(text);

beforeEach(() => {
  written = [];
  vi.useFakeTimers();
  vi.setSystemTime(new Date("2026-01-01T00:00:00Z"));
});

afterEach(() => {
  vi.useRealTimers();
});

function advance(seconds: number): void {
  vi.setSystemTime(Date.now() + seconds * 1000);
}

describe("Progress, not a terminal: plain lines", () => {
  it("writes a full line at the first item, then at most one per interval, and a last one at finish", () => {
    const p = new Progress({
      label: "scan",
      total: 10,
      unit: "files",
      tty: false,
      intervalSeconds: 5,
      write,
    });
    advance(1);
    p.tick(1, 1024 * 1024);
    expect(written).toEqual(["scan: 1/10 files (10%), 1.0 files/s, 1.0 MiB (1.0 MiB/s), ETA 9s\n"]);
    advance(2);
    p.tick(2); // 3 s after the first line: too soon
    expect(written).toHaveLength(1);
    advance(3);
    p.tick(1, 0, 1); // 5 s after it: due
    expect(written[1]).toBe("scan: 4/10 files (40%), 0.7 files/s, 1.0 MiB (170.7 KiB/s), 1 failed, ETA 9s\n");
    advance(1);
    p.tick(6);
    expect(written).toHaveLength(2);
    p.finish();
    expect(written[2]).toBe("scan: 10/10 files (100%), 1.4 files/s, 1.0 MiB (146.3 KiB/s), 1 failed\n");
  });

  it("ETA in minutes and hours as the rate falls", () => {
    const p = new Progress({ label: "compute", total: 1000, unit: "units", tty: false, write });
    advance(10);
    p.tick(1);
    expect(written[0]).toBe("compute: 1/1000 units (0%), 0.1 units/s, ETA 2h46m\n");
  });

  it("writes nothing when quiet", () => {
    const p = new Progress({ label: "scan", total: 3, tty: false, quiet: true, write });
    p.tick(1);
    advance(10);
    p.tick(2);
    p.finish();
    expect(written).toEqual([]);
  });
});

describe("Progress on a terminal: one redrawn bar", () => {
  it("redraws the same line (carriage return, erase line) at most every 100 ms, and ends it at finish", () => {
    const p = new Progress({ label: "catalog", total: 4, unit: "files", tty: true, write });
    advance(1);
    p.tick(1);
    expect(written).toEqual([
      `\r\x1b[2K[######------------------] catalog: 1/4 files (25%), 1.0 files/s, ETA 3s`,
    ]);
    advance(0.05);
    p.tick(1); // 50 ms later: not redrawn
    expect(written).toHaveLength(1);
    advance(0.1);
    p.tick(1);
    const redraw = "\r\x1b[2K"; // back to the line start, erase the line
    expect(written[1]).toBe(
      `${redraw}[##################------] catalog: 3/4 files (75%), 2.6 files/s, ETA 0s`,
    );
    p.finish();
    expect(written[2]?.startsWith(`${redraw}[##################------] catalog: 3/4 files (75%)`)).toBe(true);
    expect(written[2]?.endsWith("\n")).toBe(true);
    expect(written.slice(0, 2).every((t) => !t.includes("\n"))).toBe(true);
  });

  it("a total of 0 draws a full bar and 100%", () => {
    const p = new Progress({ label: "scan", total: 0, tty: true, write });
    p.finish();
    expect(written[0]).toContain("[########################] scan: 0/0 items (100%)");
  });
});

describe("formatting", () => {
  it("bytes in binary units, durations in s, m+s, h+m", () => {
    expect([0, 1023, 1024, 1536, 5 * 1024 ** 3].map(formatBytes)).toEqual([
      "0 B",
      "1023 B",
      "1.0 KiB",
      "1.5 KiB",
      "5.0 GiB",
    ]);
    expect([0.4, 59, 61, 3599, 3600, 7 * 3600 + 30 * 60].map(formatDuration)).toEqual([
      "0s",
      "59s",
      "1m1s",
      "59m59s",
      "1h0m",
      "7h30m",
    ]);
  });
});
