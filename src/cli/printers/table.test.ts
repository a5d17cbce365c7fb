import assert from "node:assert/strict";
import { test } from "node:test";
import type { Service } from "../../api/types.ts";
import { printTable } from "./table.ts";

const now = Date.parse("2024-01-01T00:01:00Z");
const created = "2024-01-01T00:00:00Z";

test("services table: kubectl headers, headless shows None, wide adds SELECTOR, -A adds NAMESPACE", () => {
  const svc: Service = {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: "web", namespace: "shop", creationTimestamp: created },
    spec: { type: "ClusterIP", clusterIP: "10.96.0.10", ports: [{ port: 80 }], selector: { app: "web" } },
  };
  const headless: Service = {
    ...svc,
    metadata: { ...svc.metadata, name: "db" },
    spec: { ...svc.spec, clusterIP: "None" },
  };
  const out = printTable("services", [svc, headless], { wide: true, withNamespace: true, now });
  const lines = out.trimEnd().split("\n");
  assert.match(lines[0] ?? "", /^NAMESPACE\s+NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE\s+SELECTOR$/);
  assert.deepEqual(lines[1]?.split(/\s{3,}/), [
    "shop",
    "web",
    "ClusterIP",
    "10.96.0.10",
    "<none>",
    "80/TCP",
    "60s",
    "app=web",
  ]);
  assert.equal(lines[2]?.split(/\s+/)[3], "None");
  // Columns line up: every header starts where its cells start.
  const col = (lines[0] ?? "").indexOf("CLUSTER-IP");
  assert.equal((lines[1] ?? "").indexOf("10.96.0.10"), col);
});
