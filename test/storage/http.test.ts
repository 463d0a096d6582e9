import { HttpStore } from "../../refs/storage/http-store.js";
import type { AutoindexStyle } from "../servers/autoindex.js";
import { startRangeServer } from "../servers/http-range-server.js";
import { describeStoreConformance } from "./conformance.js";

// Each variant lists through a different style of directory index page.
const variants: [string, { noHead: boolean; autoindex: AutoindexStyle }][] = [
  ["HEAD + Range, Apache index", { noHead: false, autoindex: "apache" }],
  ["no HEAD (size from Content-Range), nginx index", { noHead: true, autoindex: "nginx" }],
  ["HEAD + Range, index of absolute URLs", { noHead: false, autoindex: "absolute" }],
];

for (const [name, options] of variants) {
  describeStoreConformance(`http (${name})`, async () => {
    const server = await startRangeServer(options);
    return {
      store: new HttpStore(),
      base: `${server.origin}/`,
      put: async (key, bytes) => void server.objects.set(`/${key}`, bytes),
      canWrite: false,
      questionMarkStartsQuery: true,
      close: () => server.close(),
    };
  });
}
