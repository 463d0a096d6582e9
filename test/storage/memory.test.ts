import { MemoryStore } from "../../refs/storage/memory-store.js";
import { describeStoreConformance } from "./conformance.js";

describeStoreConformance("memory", async () => ({
  store: new MemoryStore(),
  base: "memory://bucket/",
  canWrite: true,
  close: async () => {},
}));
