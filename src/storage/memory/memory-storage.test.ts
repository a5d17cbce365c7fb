import { storageConformance } from "../conformance.ts";
import { MemoryStorage } from "./memory-storage.ts";

const historyWindow = 200;

storageConformance("memory", async () => {
  const storage = new MemoryStorage({ historyWindow });
  return {
    storage,
    compact: async () => {
      // History keeps the last `historyWindow` revisions (trimmed at twice that); push older ones out.
      for (let i = 0; i < 2 * historyWindow; i++) await storage.create(`zz-filler/${i}`, "");
    },
    cleanup: () => storage.close(),
  };
});
