import assert from "node:assert/strict";
import { test } from "node:test";
import type { KubeObject } from "../../api/types.ts";
import { graceLeftMs } from "./sync.ts";

const NOW = Date.parse("2026-01-01T00:00:00Z");
function pod(metadata: Record<string, unknown>): KubeObject {
  return { apiVersion: "v1", kind: "Pod", metadata: { name: "p", ...metadata } };
}

test("a terminating pod is due when its deletionTimestamp has passed", () => {
  assert.equal(graceLeftMs(pod({}), NOW), undefined, "not terminating");
  const terminating = { deletionTimestamp: "2026-01-01T00:00:30Z", deletionGracePeriodSeconds: 30 };
  assert.equal(graceLeftMs(pod(terminating), NOW), 30_000);
  assert.equal(graceLeftMs(pod(terminating), NOW + 31_000), -1_000);
  assert.equal(
    graceLeftMs(pod({ deletionTimestamp: "2026-01-01T00:00:00Z", deletionGracePeriodSeconds: 0 }), NOW),
    undefined,
    "at grace 0 only finalizers hold it: nothing to end",
  );
});
