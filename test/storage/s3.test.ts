import { S3Store } from "../../refs/storage/s3-store.js";
import { startS3rver } from "../servers/s3rver.js";
import { describeStoreConformance } from "./conformance.js";

describeStoreConformance("s3 (s3rver)", async () => {
  const server = await startS3rver(["bucket"]);
  const store = new S3Store(server.options);
  return {
    store,
    base: "s3://bucket/conformance/",
    canList: true,
    canWrite: true,
    close: async () => {
      (await store.client()).destroy();
      await server.close();
    },
  };
});
