/**
 * The store conformance suite over HTTPS: the range server with TLS (key and certificate from REFS_TLS_KEY and
 * REFS_TLS_CERT), trusted through NODE_EXTRA_CA_CERTS. Only https.test.ts runs this file, in a nested vitest
 * (fetch's TLS trust is fixed at process start); the name keeps it out of the main run.
 */
import { readFileSync } from "node:fs";
import { HttpStore } from "../../refs/storage/http-store.js";
import { startRangeServer } from "../servers/http-range-server.js";
import { describeStoreConformance } from "./conformance.js";

const [keyFile, certFile] = [process.env.REFS_TLS_KEY, process.env.REFS_TLS_CERT];
if (!keyFile || !certFile || !process.env.NODE_EXTRA_CA_CERTS) {
  throw new Error(
    "run by test/storage/https.test.ts: REFS_TLS_KEY, REFS_TLS_CERT and NODE_EXTRA_CA_CERTS unset",
  );
}
const tls = { key: readFileSync(keyFile, "utf8"), cert: readFileSync(certFile, "utf8") };

for (const noHead of [false, true]) {
  describeStoreConformance(
    `https (${noHead ? "no HEAD, nginx index" : "HEAD + Range, Apache index"})`,
    async () => {
      const server = await startRangeServer({ tls, noHead, autoindex: noHead ? "nginx" : "apache" });
      if (!server.origin.startsWith("https://")) throw new Error(`not an HTTPS server: ${server.origin}`);
      return {
        store: new HttpStore(),
        base: `${server.origin}/`,
        put: async (key, bytes) => void server.objects.set(`/${key}`, bytes),
        canWrite: false,
        questionMarkStartsQuery: true,
        close: () => server.close(),
      };
    },
  );
}
