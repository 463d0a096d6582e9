/**
 * HTTPS: the same HttpSource over TLS, against the range server with a self-signed certificate made by openssl.
 * The reads run in a child process that trusts that certificate through NODE_EXTRA_CA_CERTS.
 */
import { execFile, execFileSync } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RangeServer, startRangeServer } from "../servers/http-range-server.js";
import { payload } from "./conformance.js";

const haveOpenssl = (() => {
  try {
    execFileSync("openssl", ["version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();

describe.skipIf(!haveOpenssl)("HttpSource over HTTPS", () => {
  const data = payload(70_000, 21);
  let dir: string;
  let server: RangeServer;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "refs-https-"));
    const [key, cert] = [join(dir, "key.pem"), join(dir, "cert.pem")];
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-keyout",
        key,
        "-out",
        cert,
        "-days",
        "1",
        "-subj",
        "/CN=127.0.0.1",
        "-addext",
        "subjectAltName=IP:127.0.0.1",
      ],
      { stdio: "ignore" },
    );
    server = await startRangeServer({
      tls: { key: await readFile(key, "utf8"), cert: await readFile(cert, "utf8") },
    });
    server.objects.set("/t.bin", data);
  });
  afterAll(async () => {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("reads exact ranges and the size over TLS", async () => {
    const child = join(import.meta.dirname, "https-child.ts");
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ["--import", "tsx", child, `${server.origin}/t.bin`, "0+16", "33333+100", "69990+10"],
      { env: { ...process.env, NODE_EXTRA_CA_CERTS: join(dir, "cert.pem") }, timeout: 20_000 },
    );
    const result = JSON.parse(stdout.trim().split("\n").pop() ?? "{}") as { size: number; reads: string[] };
    expect(server.origin.startsWith("https://")).toBe(true);
    expect(result.size).toBe(70_000);
    expect(result.reads).toEqual([
      Buffer.from(data.subarray(0, 16)).toString("hex"),
      Buffer.from(data.subarray(33_333, 33_433)).toString("hex"),
      Buffer.from(data.subarray(69_990, 70_000)).toString("hex"),
    ]);
  });
});
