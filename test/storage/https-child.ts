/**
 * Run by https.test.ts in a child process whose NODE_EXTRA_CA_CERTS trusts the test's self-signed certificate
 * (fetch's TLS trust is fixed at process start). Prints the size and the hex of the requested ranges as JSON.
 */
import { HttpSource } from "../../refs/storage/http.js";

const [url, ...ranges] = process.argv.slice(2);
const source = new HttpSource(url ?? "");
const reads: string[] = [];
for (const range of ranges) {
  const [offset, length] = range.split("+").map(Number);
  reads.push(Buffer.from(await source.fetch(offset ?? 0, length ?? 0)).toString("hex"));
}
console.log(JSON.stringify({ size: await source.size(), reads }));
