import assert from "node:assert/strict";
import { test } from "node:test";
import { validateLease } from "./lease.ts";

const lease = (spec: unknown) => ({
  apiVersion: "coordination.k8s.io/v1",
  kind: "Lease",
  metadata: { name: "kdns-gateway", namespace: "kube-system" },
  spec,
});

test("a Lease as client-go writes it is valid", () => {
  const causes = validateLease(
    lease({
      holderIdentity: "host_builtin_127.0.0.1:8080",
      leaseDurationSeconds: 15,
      acquireTime: "2026-11-27T15:00:00.000000Z",
      renewTime: "2026-11-27T15:00:02.123456Z",
      leaseTransitions: 0,
    }),
  );
  assert.deepEqual(causes, []);
});

test("a Lease's duration, transitions and times are checked", () => {
  const fields = validateLease(
    lease({ holderIdentity: 7, leaseDurationSeconds: 0, leaseTransitions: -1, renewTime: "yesterday" }),
  ).map((c) => c.field);
  assert.deepEqual(fields, [
    "spec.holderIdentity",
    "spec.leaseDurationSeconds",
    "spec.leaseTransitions",
    "spec.renewTime",
  ]);
});
