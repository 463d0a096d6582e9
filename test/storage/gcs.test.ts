import { GcsStore } from "../../refs/storage/gcs-store.js";
import { startFakeGcsServer } from "../servers/fake-gcs-server.js";
import { describeStoreConformance } from "./conformance.js";

describeStoreConformance("gcs (JSON API test double)", async () => {
  const server = await startFakeGcsServer(["bucket"]);
  return {
    store: new GcsStore({ apiEndpoint: server.origin, projectId: "test" }),
    base: "gs://bucket/conformance/",
    canWrite: true,
    close: () => server.close(),
  };
});
