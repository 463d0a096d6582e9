import { HttpStore } from "../../refs/storage/http-store.js";
import { startRangeServer } from "../servers/http-range-server.js";
import { describeStoreConformance } from "./conformance.js";

for (const variant of ["HEAD + Range", "no HEAD (size from Content-Range)"] as const) {
  describeStoreConformance(`http (${variant})`, async () => {
    const server = await startRangeServer({ noHead: variant !== "HEAD + Range" });
    return {
      store: new HttpStore(),
      base: `${server.origin}/`,
      put: async (key, bytes) => void server.objects.set(`/${key}`, bytes),
      canList: false,
      canWrite: false,
      close: () => server.close(),
    };
  });
}
