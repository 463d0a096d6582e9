/**
 * The per-file time bound of scanFile: a server that answers HEAD but never answers a range request (a real
 * socket on this machine, not a double) must make the scan of that file fail alone, with a ScanError naming it,
 * soon after the bound, while a file served normally scans with the same bound.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpSource } from "../../refs/storage/http.js";
import { ScanError, scanFile } from "../../scanner/index.js";
import { writeNetCDF3 } from "./netcdf3/write-netcdf3.js";

const file = writeNetCDF3({
  version: 1,
  dims: [["x", 4]],
  vars: [{ name: "x", type: "float", dims: ["x"], data: [1, 2, 3, 4] }],
}).bytes;

let server: Server;
let origin = "";
const stalled: Array<() => void> = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.method === "HEAD") {
      res.writeHead(200, { "content-length": file.length, "accept-ranges": "bytes" });
      res.end();
      return;
    }
    if (req.url === "/stalls.nc") {
      stalled.push(() => res.destroy());
      return; // never answers
    }
    const [, from, to] = /bytes=(\d+)-(\d+)/.exec(req.headers.range ?? "") ?? [];
    const start = Number(from ?? 0);
    const end = Math.min(Number(to ?? file.length - 1), file.length - 1);
    res.writeHead(206, {
      "content-range": `bytes ${start}-${end}/${file.length}`,
      "content-length": end - start + 1,
    });
    res.end(file.subarray(start, end + 1));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  for (const close of stalled) close();
  await new Promise((resolve) => server.close(resolve));
});

describe("scanFile time bound", () => {
  it("a file whose reads never return fails alone after the bound, naming the file", async () => {
    const started = Date.now();
    const url = `${origin}/stalls.nc`;
    const error = await scanFile(new HttpSource(url), url, { timeoutMs: 300 }).catch((e: unknown) => e);
    const elapsed = Date.now() - started;
    expect(error).toBeInstanceOf(ScanError);
    expect((error as ScanError).message).toBe(
      `${url}: scan gave up after 300 ms (a stalled read or a hostile file)`,
    );
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(3000);
    const ok = await scanFile(new HttpSource(`${origin}/ok.nc`), "ok.nc", { timeoutMs: 300 });
    expect(ok.format).toBe("netcdf3");
    expect(ok.refs.arrays.get("x")?.count).toBe(1);
  });
});
