import assert from "node:assert/strict";
import { test } from "node:test";
import { contains } from "./apply-object.ts";

test("contains: manifest fields must hold; stored extras (server defaults) are fine", () => {
  const stored = {
    spec: { clusterIP: "10.96.0.2", ports: [{ port: 80, protocol: "TCP", targetPort: 80 }] },
    metadata: { name: "web", uid: "u" },
  };
  assert.equal(contains(stored, { spec: { ports: [{ port: 80 }] }, metadata: { name: "web" } }), true);
  assert.equal(contains(stored, { spec: { ports: [{ port: 81 }] } }), false);
  assert.equal(contains(stored, { spec: { ports: [{ port: 80 }, { port: 443 }] } }), false);
  assert.equal(contains(stored, { metadata: { labels: { app: "web" } } }), false);
  assert.equal(contains(stored, { metadata: { uid: null } }), false);
  assert.equal(contains(stored, { metadata: { labels: null } }), true);
});
