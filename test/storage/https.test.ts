/**
 * HTTPS: the whole store conformance suite (reads, sizes, errors, listing through index pages) over TLS, against
 * the range server with a self-signed certificate made by openssl. fetch's TLS trust is fixed at process start,
 * so the suite runs in a nested vitest (https-conformance.tls.ts) whose NODE_EXTRA_CA_CERTS trusts that
 * certificate; this process, which does not trust it, checks that the certificate is really verified (CertificateError).
 */
import { execFile, execFileSync } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CertificateError } from "../../refs/storage/errors.js";
import { HttpSource } from "../../refs/storage/http.js";
import { withDefaults } from "../../refs/storage/middleware/stack.js";
import { type RangeServer, startRangeServer } from "../servers/http-range-server.js";

const haveOpenssl = (() => {
  try {
    execFileSync("openssl", ["version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();

const root = fileURLToPath(new URL("../..", import.meta.url));

interface JsonReport {
  success: boolean;
  numTotalTests: number;
  numPassedTests: number;
  numFailedTests: number;
  testResults: { assertionResults: { fullName: string; status: string; failureMessages: string[] }[] }[];
}

describe.skipIf(!haveOpenssl)("HttpStore over HTTPS", () => {
  let dir: string;
  let key: string;
  let cert: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "refs-https-"));
    [key, cert] = [join(dir, "key.pem"), join(dir, "cert.pem")];
    execFileSync(
      "openssl",
      [
        ...["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"],
        ...["-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=127.0.0.1"],
        ...["-addext", "subjectAltName=IP:127.0.0.1"],
      ],
      { stdio: "ignore" },
    );
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("passes the store conformance suite over TLS", { timeout: 180_000 }, async () => {
    const output = join(dir, "report.json");
    const vitest = join(root, "node_modules", "vitest", "vitest.mjs");
    const config = join(root, "test", "storage", "https.vitest.config.ts");
    const env = { ...process.env, NODE_EXTRA_CA_CERTS: cert, REFS_TLS_KEY: key, REFS_TLS_CERT: cert };
    const args = [vitest, "run", "--config", config, "--reporter=json", `--outputFile=${output}`];
    await promisify(execFile)(process.execPath, args, { cwd: root, env, timeout: 170_000 }).catch(
      (error: unknown) => error, // failures are read from the report below, which names them
    );
    const report = JSON.parse(await readFile(output, "utf8")) as JsonReport;
    const results = report.testResults.flatMap((file) => file.assertionResults);
    const failed = results.filter((r) => r.status !== "passed");
    expect(failed.map((r) => `${r.fullName}: ${r.failureMessages.join("; ")}`)).toEqual([]);
    // Two server variants, each with the whole suite (reads, errors, every glob of the listing tests).
    expect(report.numPassedTests).toBeGreaterThanOrEqual(2 * 24);
    expect(results.filter((r) => r.fullName.includes("lists list/**/*.nc")).length).toBe(2);
    expect(report.success).toBe(true);
  });

  describe("without trust in the certificate", () => {
    let server: RangeServer;
    beforeAll(async () => {
      server = await startRangeServer({
        tls: { key: await readFile(key, "utf8"), cert: await readFile(cert, "utf8") },
      });
      server.objects.set("/t.bin", new Uint8Array(10));
    });
    afterAll(() => server?.close());

    it("refuses the self-signed server with CertificateError, and does not retry it", async () => {
      const url = `${server.origin}/t.bin`;
      const error = await new HttpSource(url).fetch(0, 5).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CertificateError);
      expect(error).toMatchObject({ url, code: expect.stringMatching(/SELF_SIGNED/) });
      const stacked = withDefaults(new HttpSource(url), { retry: { maxAttempts: 4, baseDelayMs: 1 } });
      await expect(stacked.fetch(0, 5)).rejects.toBeInstanceOf(CertificateError);
      // One attempt in all (the cache asks for the size first), none repeated.
      expect(stacked.stats.requests + stacked.stats.sizeRequests).toBe(1);
      expect(stacked.stats.retries).toBe(0);
      expect(server.log).toEqual([]);
    });
  });
});
