import assert from "node:assert/strict";
import { test } from "node:test";
import type { KeyValue, StorageEvent } from "../storage/storage.ts";
import { toWatchEvent, watchEventLine } from "./watch.ts";

function kv(name: string, labels: Record<string, string>, modRevision: number): KeyValue {
  return {
    key: `core/pods/ns/${name}`,
    value: JSON.stringify({ apiVersion: "v1", kind: "Pod", metadata: { name, labels } }),
    createRevision: 1,
    modRevision,
  };
}
const front = (o: { metadata: { labels?: Record<string, string> } }): boolean => o.metadata.labels?.tier === "front";

test("maps storage events to watch events through a filter", () => {
  const added = toWatchEvent({ type: "put", revision: 2, kv: kv("a", { tier: "front" }, 2) }, front);
  assert.deepEqual([added?.type, added?.object.metadata.resourceVersion], ["ADDED", "2"]);
  const modified = toWatchEvent(
    { type: "put", revision: 3, kv: kv("a", { tier: "front" }, 3), prev: kv("a", { tier: "front" }, 2) },
    front,
  );
  assert.equal(modified?.type, "MODIFIED");
  const left = toWatchEvent(
    { type: "put", revision: 4, kv: kv("a", { tier: "back" }, 4), prev: kv("a", { tier: "front" }, 3) },
    front,
  );
  assert.deepEqual([left?.type, left?.object.metadata.labels?.tier], ["DELETED", "back"]);
  const entered = toWatchEvent(
    { type: "put", revision: 5, kv: kv("a", { tier: "front" }, 5), prev: kv("a", { tier: "back" }, 4) },
    front,
  );
  assert.equal(entered?.type, "ADDED");
  assert.equal(toWatchEvent({ type: "put", revision: 6, kv: kv("b", {}, 6) }, front), undefined);
  const deleted = toWatchEvent(
    { type: "delete", revision: 7, key: "core/pods/ns/a", prev: kv("a", { tier: "front" }, 5) },
    front,
  );
  assert.deepEqual([deleted?.type, deleted?.object.metadata.resourceVersion], ["DELETED", "7"]);
  assert.equal(
    toWatchEvent({ type: "delete", revision: 8, key: "core/pods/ns/b", prev: kv("b", {}, 6) }, front),
    undefined,
  );
  assert.equal(
    toWatchEvent({ type: "delete", revision: 8, key: "core/pods/ns/b", prev: kv("b", {}, 6) }, undefined)?.type,
    "DELETED",
  );
});

test("a watch without selectors sends what toWatchEvent would, spliced from the stored text", () => {
  const events: StorageEvent[] = [
    { type: "put", revision: 2, kv: kv("a", { tier: "front" }, 2) },
    { type: "put", revision: 3, kv: kv("a", {}, 3), prev: kv("a", { tier: "front" }, 2) },
    { type: "delete", revision: 4, key: "core/pods/ns/a", prev: kv("a", {}, 3) },
  ];
  for (const ev of events) {
    const line = watchEventLine(ev);
    assert.ok(line.endsWith("}\n"));
    assert.deepEqual(JSON.parse(line), JSON.parse(JSON.stringify(toWatchEvent(ev, undefined))));
  }
});
