import assert from "node:assert/strict";
import { test } from "node:test";
import { Registry } from "prom-client";
import { parseSamples, sumOf } from "../../../test/support/prom-text.ts";
import { storageConformance } from "../../storage/conformance.ts";
import { MemoryStorage } from "../../storage/memory/memory-storage.ts";
import { CompactedError } from "../../storage/storage.ts";
import { measuredStorage } from "./measured-storage.ts";

// The decorator keeps the whole contract: the suite every backend passes, through it.
storageConformance("measured (memory)", async () => {
  const inner = new MemoryStorage({ historyWindow: 200 });
  const storage = measuredStorage(inner, new Registry());
  return {
    storage,
    compact: async () => {
      // History keeps the last 200 revisions (trimmed at twice that); push older ones out.
      for (let i = 0; i < 400; i++) await storage.create(`zz-filler/${i}`, "");
    },
    cleanup: () => storage.close(),
  };
});

test("each call is timed and counted by operation, group and resource; failures count as errors", async () => {
  const registry = new Registry();
  const storage = measuredStorage(new MemoryStorage({ historyWindow: 5 }), registry);
  const created = await storage.create("core/services/default/web", "{}");
  assert.equal(created.type, "ok");
  await storage.get("core/services/default/web");
  await storage.list("discovery.k8s.io/endpointslices/");
  await storage.update("kdns.dev/dnsrecords/default/r", "{}", 1);
  await storage.delete("core/services/default/web");
  await storage.create("somewhere/else", "");
  await storage.revision();
  for (let i = 0; i < 20; i++) await storage.create(`core/pods/default/p${i}`, "");
  await assert.rejects(storage.list("core/pods/", { revision: 1 }), CompactedError);

  const s = parseSamples(await registry.metrics());
  const count = (operation: string, group: string, resource: string) =>
    sumOf(s, "etcd_requests_total", { operation, group, resource });
  assert.equal(count("create", "", "services"), 1);
  assert.equal(count("get", "", "services"), 1);
  assert.equal(count("list", "discovery.k8s.io", "endpointslices"), 1);
  assert.equal(count("update", "kdns.dev", "dnsrecords"), 1, "a not-found swap is an answer, not an error");
  assert.equal(count("delete", "", "services"), 1);
  assert.equal(count("create", "", ""), 1, "keys outside the API's resources");
  assert.equal(count("getCurrentResourceVersion", "", ""), 1);
  assert.equal(count("list", "", "pods"), 1);
  assert.equal(sumOf(s, "etcd_request_errors_total", { operation: "list", group: "", resource: "pods" }), 1);
  assert.equal(sumOf(s, "etcd_request_errors_total"), 1);
  assert.equal(sumOf(s, "etcd_request_duration_seconds_count", { operation: "create", resource: "pods" }), 20);
  assert.equal(sumOf(s, "etcd_request_duration_seconds_bucket", { operation: "get", le: "+Inf" }), 1);
  await storage.close();
});
