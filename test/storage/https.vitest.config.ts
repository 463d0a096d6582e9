/**
 * Vitest config of the nested run started by https.test.ts: only the HTTPS conformance file, in a process
 * whose NODE_EXTRA_CA_CERTS trusts the test's self-signed certificate.
 */
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  root: fileURLToPath(new URL("../..", import.meta.url)),
  test: {
    include: ["test/storage/https-conformance.tls.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
