/**
 * An error thrown in a worker thread reaches the caller as its own class, with its fields and cause chain, as it
 * would under --serial: the failures happen for real in worker threads (failing-worker.ts), not in this one.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { GridError } from "../../../compute/errors.js";
import { WorkerPool } from "../../../compute/workers/pool.js";
import { isError, RefsError, reviveError, serialiseError } from "../../../refs/errors.js";
import { NotFoundError } from "../../../refs/storage/errors.js";
import { FormatError, ScanError } from "../../../scanner/errors.js";

const dir = mkdtempSync(join(tmpdir(), "refs-worker-errors-"));
const pool = new WorkerPool(import.meta.url, "failing-worker", {}, 1);
afterAll(async () => {
  await pool.close();
  rmSync(dir, { recursive: true, force: true });
});

async function failureOf(kind: string, path = ""): Promise<unknown> {
  return pool.run({ kind, path }).then(
    (value) => new Error(`expected a failure, got ${String(value)}`),
    (error: unknown) => error,
  );
}

describe("errors from worker threads keep their class", { timeout: 60_000 }, () => {
  it("GridError, with its fields", async () => {
    const e = await failureOf("grid");
    expect(isError(e, GridError)).toBe(true);
    expect(isError(e, RefsError)).toBe(true);
    const grid = e as GridError;
    expect(grid.name).toBe("GridError");
    expect(grid.array).toBe("v");
    expect(grid.message).toBe("grid of v: needs at least 2 dimensions, has 1");
    expect(grid.stack).toContain("detect.ts");
  });

  it("a storage error, with the system error as its cause", async () => {
    const missing = join(dir, "missing.nc");
    const e = await failureOf("scan", missing);
    expect(isError(e, NotFoundError)).toBe(true);
    expect((e as NotFoundError).url).toBe(missing);
    const cause = (e as Error).cause as NodeJS.ErrnoException;
    expect(cause).toBeInstanceOf(Error);
    expect(cause.code).toBe("ENOENT");
    expect(cause.message).toContain(missing);
  });

  it("a scanner error, with its fields", async () => {
    const broken = join(dir, "broken.h5");
    writeFileSync(broken, Buffer.concat([Buffer.from("\x89HDF\r\n\x1a\n", "latin1"), Buffer.alloc(20)]));
    const e = await failureOf("scan", broken);
    expect(isError(e, FormatError)).toBe(true);
    expect(isError(e, ScanError)).toBe(true);
    expect((e as FormatError).url).toBe(broken);
    expect((e as FormatError).message).toMatch(/superblock/);
  });
});

describe("serialised errors", () => {
  it("keep a cause chain of tagged errors, and fall back to the nearest registered class", () => {
    class LocalGridError extends GridError {} // never registered: rebuilt as the GridError it extends
    const inner = new NotFoundError("s3://b/k");
    const outer = new LocalGridError("t", "coordinates unreadable", { cause: inner });
    const back = reviveError(structuredClone(serialiseError(outer)));
    expect(isError(back, GridError)).toBe(true);
    expect((back as GridError).detail).toBe("coordinates unreadable");
    expect(isError(back.cause, NotFoundError)).toBe(true);
    expect((back.cause as NotFoundError).url).toBe("s3://b/k");
  });

  it("turn fields that cannot cross a thread into text, and non-errors into an Error", () => {
    const e = Object.assign(new RefsError("odd"), { callback: () => 1 });
    const back = reviveError(structuredClone(serialiseError(e)));
    expect(isError(back, RefsError)).toBe(true);
    expect(typeof (back as unknown as { callback: unknown }).callback).toBe("string");
    const thrown = reviveError(structuredClone(serialiseError("plain text")));
    expect(thrown.message).toBe("plain text");
  });
});
