import assert from "node:assert/strict";
import { test } from "node:test";
import { defaultPod } from "../defaults/pod.ts";
import type { KubeObject } from "../types.ts";
import { validatePod } from "./pod.ts";

function pod(spec: unknown, status?: unknown, name = "p1"): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: "default" },
    spec,
    ...(status !== undefined ? { status } : {}),
  };
}
const fieldsOf = (obj: KubeObject) => {
  defaultPod(obj);
  return [...new Set(validatePod(obj).map((c) => c.field))];
};
const c = (extra: Record<string, unknown> = {}) => ({ name: "app", image: "x", ...extra });

test("a valid pod passes", () => {
  const obj = pod(
    {
      hostname: "web-0",
      subdomain: "web",
      containers: [c({ ports: [{ name: "http", containerPort: 8080 }] }), { name: "side" }],
    },
    { podIP: "10.1.0.5", conditions: [{ type: "Ready", status: "True" }] },
  );
  assert.deepEqual(fieldsOf(obj), []);
});

test("table of invalid pods", () => {
  const cases: [KubeObject, string[]][] = [
    [pod({ containers: [] }), ["spec.containers"]],
    [pod({}), ["spec.containers"]],
    [pod(null), ["spec"]],
    [pod({ containers: [{}] }), ["spec.containers[0].name"]],
    [pod({ containers: [c(), c()] }), ["spec.containers[1].name"]],
    [pod({ containers: [c({ ports: [{ containerPort: 0 }] })] }), ["spec.containers[0].ports[0].containerPort"]],
    [
      pod({ containers: [c({ ports: [{ containerPort: 80, protocol: "ICMP" }] })] }),
      ["spec.containers[0].ports[0].protocol"],
    ],
    [pod({ containers: [c({ ports: [{ containerPort: 80, name: "a--b" }] })] }), ["spec.containers[0].ports[0].name"]],
    [
      pod({
        containers: [
          c({ ports: [{ containerPort: 80, name: "http" }] }),
          { name: "b", ports: [{ containerPort: 81, name: "http" }] },
        ],
      }),
      ["spec.containers[1].ports[0].name"],
    ],
    [pod({ containers: [c()], hostname: "Web_0" }), ["spec.hostname"]],
    [pod({ containers: [c()], subdomain: "a.b" }), ["spec.subdomain"]],
    [pod({ containers: [c()] }, { podIP: "10.1.0.300" }), ["status.podIP", "status.podIPs[0].ip"]],
    [pod({ containers: [c()] }, { podIP: "10.1.0.5", podIPs: [{ ip: "10.1.0.6" }] }), ["status.podIPs[0].ip"]],
    [pod({ containers: [c()] }, { podIPs: [{ ip: "x" }] }), ["status.podIP", "status.podIPs[0].ip"]],
    [pod({ containers: [c()] }, { conditions: [{ type: "Ready", status: "Yes" }] }), ["status.conditions[0].status"]],
    [pod({ containers: [c()] }, { conditions: [{ status: "True" }] }), ["status.conditions[0].type"]],
    [pod({ containers: [c()] }, undefined, "Bad_Name"), ["metadata.name"]],
  ];
  for (const [obj, want] of cases) assert.deepEqual(fieldsOf(obj), want, JSON.stringify(obj));
});

test("garbage never throws", () => {
  for (const spec of [
    7,
    "x",
    { containers: "x" },
    { containers: [null, 1] },
    { containers: [{ name: 5, ports: 3 }] },
  ]) {
    for (const status of [7, { podIPs: 3, conditions: "x" }, { podIPs: [null] }]) {
      assert.ok(fieldsOf(pod(spec, status)).length > 0);
    }
  }
});
