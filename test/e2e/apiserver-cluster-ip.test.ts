/** End-to-end: service cluster IP allocation, release, validation, scale and restart repair. */

import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { openStorage } from "../../src/storage/index.ts";
import { startHarness } from "./apiserver-harness.ts";

const SVC = "/api/v1/namespaces/default/services";

function service(name: string, spec: Record<string, unknown> = {}): unknown {
  return { metadata: { name }, spec: { ports: [{ port: 80 }], ...spec } };
}

test("requested, taken, out of range, headless, released on delete", async () => {
  const h = await startHarness({ serviceCidr: "10.0.0.0/29" });
  try {
    const auto = await h.call("POST", SVC, service("auto"));
    assert.equal(auto.status, 201, JSON.stringify(auto.body));
    assert.equal(auto.body.spec.clusterIP, "10.0.0.2", "the first host address is left for the kubernetes service");
    assert.deepEqual(auto.body.spec.clusterIPs, ["10.0.0.2"]);
    const asked = await h.call("POST", SVC, service("asked", { clusterIP: "10.0.0.5" }));
    assert.equal(asked.body.spec.clusterIP, "10.0.0.5");
    const taken = await h.call("POST", SVC, service("taken", { clusterIP: "10.0.0.5" }));
    assert.equal(taken.status, 422);
    assert.equal(taken.body.details.causes[0].field, "spec.clusterIP");
    assert.match(taken.body.message, /already allocated/);
    const outside = await h.call("POST", SVC, service("outside", { clusterIP: "10.1.0.5" }));
    assert.equal(outside.status, 422);
    assert.equal(outside.body.details.causes[0].field, "spec.clusterIP");
    assert.equal((await h.call("POST", SVC, service("network", { clusterIP: "10.0.0.0" }))).status, 422);
    const headless = await h.call("POST", SVC, service("headless", { clusterIP: "None" }));
    assert.equal(headless.body.spec.clusterIP, "None");
    const dup = await h.call("POST", SVC, service("asked", { clusterIP: "10.0.0.6" }));
    assert.equal(dup.status, 409);
    assert.equal(await h.storage.get("core/ipallocations/10.0.0.6"), undefined, "a failed create releases its IP");

    const changed = await h.call(
      "PATCH",
      `${SVC}/auto`,
      { spec: { clusterIP: "10.0.0.3" } },
      { "content-type": "application/merge-patch+json" },
    );
    assert.equal(changed.status, 422, "clusterIP is immutable");
    const kept = await h.call("PUT", `${SVC}/auto`, {
      ...auto.body,
      metadata: { name: "auto" },
      spec: { ports: [{ port: 81 }] },
    });
    assert.equal(kept.status, 200, JSON.stringify(kept.body));
    assert.equal(kept.body.spec.clusterIP, "10.0.0.2");

    assert.equal((await h.call("DELETE", `${SVC}/asked`)).status, 200);
    const reuse = await h.call("POST", SVC, service("reuse", { clusterIP: "10.0.0.5" }));
    assert.equal(reuse.status, 201, "a deleted service's IP can be taken again");
    // 10.0.0.0/29: hosts .1–.6; .1 reserved for auto allocation; .2, .5 taken → .3, .4, .6 left.
    const more = [];
    for (const n of ["m1", "m2", "m3", "m4"]) more.push(await h.call("POST", SVC, service(n)));
    assert.deepEqual(
      more
        .slice(0, 3)
        .map((r) => r.body.spec.clusterIP)
        .sort(),
      ["10.0.0.3", "10.0.0.4", "10.0.0.6"],
    );
    assert.equal(more[3]?.status, 500, "a full range is an internal error, as in Kubernetes");
  } finally {
    await h.close();
  }
});

test("10,000 services get unique IPs through the HTTP API", { timeout: 60_000 }, async () => {
  const h = await startHarness();
  try {
    const ips = new Set<string>();
    const total = 10_000;
    const workers = 16;
    let next = 0;
    await Promise.all(
      Array.from({ length: workers }, async () => {
        while (next < total) {
          const i = next++;
          const res = await h.call("POST", SVC, service(`svc-${i}`));
          assert.equal(res.status, 201, JSON.stringify(res.body));
          ips.add(res.body.spec.clusterIP);
        }
      }),
    );
    assert.equal(ips.size, total);
    const allocations = await h.storage.list("core/ipallocations/", { limit: 1 });
    assert.ok(allocations.more);
  } finally {
    await h.close();
  }
});

test("restart repairs reservations against the stored services", async () => {
  const dir = await mkdtemp(join(tmpdir(), "kdns-ip-"));
  try {
    let storage = await openStorage({ type: "embedded", dataDir: dir });
    let h = await startHarness({ storage });
    const a = (await h.call("POST", SVC, service("a"))).body.spec.clusterIP;
    const b = (await h.call("POST", SVC, service("b"))).body.spec.clusterIP;
    await h.close();
    // Simulate crashes between the two writes: an orphan reservation and a service without one.
    assert.equal(
      (await storage.create("core/ipallocations/10.96.0.50", JSON.stringify({ namespace: "default", name: "gone" })))
        .type,
      "ok",
    );
    assert.equal((await storage.delete(`core/ipallocations/${b}`)).type, "ok");
    await storage.close();

    storage = await openStorage({ type: "embedded", dataDir: dir });
    h = await startHarness({ storage });
    try {
      assert.equal(await storage.get("core/ipallocations/10.96.0.50"), undefined, "orphan dropped");
      assert.ok(await storage.get(`core/ipallocations/${b}`), "missing reservation restored");
      assert.ok(await storage.get(`core/ipallocations/${a}`));
      const c = (await h.call("POST", SVC, service("c"))).body.spec.clusterIP;
      assert.ok(![a, b].includes(c), `new IP ${c} differs from existing ones`);
      const clash = await h.call("POST", SVC, service("d", { clusterIP: b }));
      assert.equal(clash.status, 422);
    } finally {
      await h.close();
      await storage.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
