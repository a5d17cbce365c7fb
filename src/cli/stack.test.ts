import assert from "node:assert/strict";
import { test } from "node:test";
import { PartStack } from "./stack.ts";

test("parts close in reverse order and a failing close does not stop the rest", async () => {
  const closed: string[] = [];
  const stack = new PartStack();
  stack.push({ name: "storage", close: async () => void closed.push("storage") });
  stack.push({
    name: "api server",
    close: async () => {
      closed.push("api server");
      throw new Error("boom");
    },
  });
  stack.push({ name: "controllers", close: async () => void closed.push("controllers") });
  assert.deepEqual(stack.names(), ["storage", "api server", "controllers"]);
  const failures = await stack.close();
  assert.deepEqual(closed, ["controllers", "api server", "storage"]);
  assert.deepEqual(failures, ["api server: boom"]);
  assert.deepEqual(stack.names(), []);
});
