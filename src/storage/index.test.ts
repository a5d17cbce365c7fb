import assert from "node:assert/strict";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { openStorage } from "./index.ts";

test("openStorage opens memory and embedded stores", async () => {
  const dir = await mkdtemp(join(tmpdir(), "kdns-open-"));
  try {
    for (const type of ["memory", "embedded"] as const) {
      const storage = await openStorage({ type, dataDir: dir, historyWindow: 10 });
      try {
        const created = await storage.create("x/a", "1");
        assert.equal(created.type, "ok", type);
        assert.equal(await storage.revision(), 1, type);
      } finally {
        await storage.close();
      }
    }
    assert.ok((await stat(join(dir, "store"))).isDirectory(), "embedded store lives in <dataDir>/store");
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
