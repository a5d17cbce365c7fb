/**
 * Test helper process for the crash test: opens the embedded store in `argv[2]` and writes keys
 * under `argv[3]` from four concurrent loops forever, printing each acknowledged write as one JSON
 * line on stdout. The test kills it with SIGKILL mid-stream and checks what survived.
 */
import { EmbeddedStorage } from "./embedded-storage.ts";

const [dir, prefix] = process.argv.slice(2);
if (dir === undefined || prefix === undefined) throw new Error("usage: crash-writer.ts <dir> <prefix>");
const storage = await EmbeddedStorage.open(dir);
let next = 0;
await Promise.all(
  Array.from({ length: 4 }, async () => {
    for (;;) {
      const key = `${prefix}${String(next++).padStart(6, "0")}`;
      const result = await storage.create(key, JSON.stringify({ key }));
      if (result.type !== "ok") throw new Error(`create ${key}: ${result.type}`);
      process.stdout.write(`${JSON.stringify(result.kv)}\n`);
    }
  }),
);
