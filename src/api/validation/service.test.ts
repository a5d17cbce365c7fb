import assert from "node:assert/strict";
import { test } from "node:test";
import { defaultService } from "../defaults/service.ts";
import type { KubeObject } from "../types.ts";
import { validateService } from "./service.ts";

function svc(spec: Record<string, unknown>, name = "web"): KubeObject {
  return { apiVersion: "v1", kind: "Service", metadata: { name, namespace: "default" }, spec };
}
const fields = (obj: KubeObject, old?: KubeObject) => {
  defaultService(obj);
  return validateService(obj, old).map((c) => c.field);
};

test("valid services pass", () => {
  assert.deepEqual(fields(svc({ ports: [{ port: 80 }], selector: { app: "web" } })), []);
  assert.deepEqual(
    fields(
      svc({
        clusterIP: "10.96.0.10",
        ports: [
          { name: "dns", port: 53, protocol: "UDP", targetPort: 5353 },
          { name: "dns-tcp", port: 53, protocol: "TCP", targetPort: "dns-tcp" },
        ],
      }),
    ),
    [],
  );
  assert.deepEqual(fields(svc({ clusterIP: "None" })), [], "headless needs no ports");
  assert.deepEqual(fields(svc({ type: "ExternalName", externalName: "db.example.com." })), []);
  assert.deepEqual(fields(svc({ clusterIP: "fd00::1", ipFamilies: ["IPv6"], ports: [{ port: 1 }] })), []);
  assert.deepEqual(
    fields(svc({ ports: [{ name: "metrics-and-health-checks", port: 9090 }] })),
    [],
    "service port names are DNS-1123 labels, longer than 15",
  );
  assert.deepEqual(fields(svc({ ports: [{ name: "Bad_Name", port: 9090 }] })), ["spec.ports[0].name"]);
});

test("table of invalid services, one field each", () => {
  const cases: [Record<string, unknown>, string, string?][] = [
    [{ type: "NodePort", ports: [{ port: 80 }] }, "spec.type", "not supported by kdns"],
    [{ type: "LoadBalancer", ports: [{ port: 80 }] }, "spec.type", "not supported by kdns"],
    [{ type: "Bogus", ports: [{ port: 80 }] }, "spec.type"],
    [{ ports: [] }, "spec.ports", "Required value"],
    [{ ports: [{ port: 0 }] }, "spec.ports[0].port", "must be between 1 and 65535, inclusive"],
    [{ ports: [{ port: 65536 }] }, "spec.ports[0].port"],
    [{ ports: [{ port: "80" }] }, "spec.ports[0].port"],
    [{ ports: [{ port: 80, protocol: "ICMP" }] }, "spec.ports[0].protocol", 'supported values: "SCTP", "TCP", "UDP"'],
    [{ ports: [{ name: "a", port: 80 }, { port: 81 }] }, "spec.ports[1].name", "Required value"],
    [
      {
        ports: [
          { name: "a", port: 80 },
          { name: "a", port: 81 },
        ],
      },
      "spec.ports[1].name",
      "Duplicate value",
    ],
    [{ ports: [{ name: "Http", port: 80 }] }, "spec.ports[0].name"],
    [
      {
        ports: [
          { name: "a", port: 80 },
          { name: "b", port: 80 },
        ],
      },
      "spec.ports[1]",
      "Duplicate value",
    ],
    [{ ports: [{ port: 80, targetPort: 70000 }] }, "spec.ports[0].targetPort"],
    [{ ports: [{ port: 80, targetPort: "no--good" }] }, "spec.ports[0].targetPort"],
    [{ ports: [{ port: 80, nodePort: 30000 }] }, "spec.ports[0].nodePort"],
    [{ clusterIP: "10.0.0.300", clusterIPs: ["10.0.0.300"], ports: [{ port: 80 }] }, "spec.clusterIP"],
    [
      { clusterIP: "10.0.0.1", clusterIPs: ["10.0.0.2"], ports: [{ port: 80 }] },
      "spec.clusterIPs[0]",
      "must match `clusterIP`",
    ],
    [{ clusterIP: "10.0.0.1", clusterIPs: ["10.0.0.1", "10.0.0.2"], ports: [{ port: 80 }] }, "spec.clusterIPs"],
    [{ clusterIP: "10.0.0.1", ipFamilies: ["IPv6"], ports: [{ port: 80 }] }, "spec.ipFamilies[0]"],
    [{ ipFamilies: ["IPv5"], ports: [{ port: 80 }] }, "spec.ipFamilies[0]"],
    [{ ipFamilyPolicy: "Maybe", ports: [{ port: 80 }] }, "spec.ipFamilyPolicy"],
    [{ selector: { "bad key": "x" }, ports: [{ port: 80 }] }, "spec.selector"],
    [{ selector: { app: "-x-" }, ports: [{ port: 80 }] }, "spec.selector"],
    [{ sessionAffinity: "Sticky", ports: [{ port: 80 }] }, "spec.sessionAffinity"],
    [{ type: "ExternalName" }, "spec.externalName", "Required value"],
    [{ type: "ExternalName", externalName: "bad_name" }, "spec.externalName"],
    [
      { type: "ExternalName", externalName: "a.com", clusterIP: "10.0.0.1" },
      "spec.clusterIP",
      "may not be set for ExternalName",
    ],
  ];
  for (const [spec, field, fragment] of cases) {
    const obj = svc(spec);
    defaultService(obj);
    const causes = validateService(obj);
    assert.deepEqual([...new Set(causes.map((c) => c.field))], [field], JSON.stringify(spec));
    if (fragment)
      assert.ok(
        causes.some((c) => c.message.includes(fragment)),
        `${JSON.stringify(spec)}: ${JSON.stringify(causes)}`,
      );
  }
});

test("names: Services need a DNS-1035 label, and every bad field is reported", () => {
  assert.deepEqual(fields(svc({ ports: [{ port: 80 }] }, "1web")), ["metadata.name"]);
  assert.deepEqual(fields(svc({ ports: [{ port: 80 }] }, "a.b")), ["metadata.name"]);
  const all = fields(svc({ type: "NodePort", ports: [{ port: 0, protocol: "X" }] }, "Web"));
  assert.deepEqual(all, ["metadata.name", "spec.type", "spec.ports[0].port", "spec.ports[0].protocol"]);
  const msg = validateService(svc({ ports: [{ port: 80 }] }, "1web"))[0]?.message ?? "";
  assert.match(msg, /^Invalid value: "1web": a DNS-1035 label must consist of/);
});

test("garbage never throws", () => {
  for (const spec of [
    null,
    7,
    "x",
    [],
    { ports: "x" },
    { ports: [null, 3] },
    { clusterIPs: 3 },
    { ipFamilies: "v4" },
    { selector: [1] },
  ]) {
    const obj = { apiVersion: "v1", kind: "Service", metadata: { name: "w" }, spec } as KubeObject;
    defaultService(obj);
    assert.ok(validateService(obj).length > 0, JSON.stringify(spec));
  }
  assert.ok(validateService({ apiVersion: "v1", kind: "Service", metadata: null } as unknown as KubeObject).length > 0);
});

test("on update clusterIP is immutable once set", () => {
  const old = svc({ clusterIP: "10.0.0.1", ports: [{ port: 80 }] });
  defaultService(old);
  assert.deepEqual(fields(svc({ clusterIP: "10.0.0.1", ports: [{ port: 81 }] }), old), []);
  assert.deepEqual(fields(svc({ clusterIP: "10.0.0.2", ports: [{ port: 80 }] }), old), ["spec.clusterIP"]);
  assert.deepEqual(fields(svc({ ports: [{ port: 80 }] }), old), ["spec.clusterIP"]);
  assert.deepEqual(
    fields(svc({ type: "ExternalName", externalName: "a.com" }), old),
    [],
    "switching to ExternalName releases the IP",
  );
  const unset = svc({ ports: [{ port: 80 }] });
  assert.deepEqual(
    fields(svc({ clusterIP: "10.0.0.9", ports: [{ port: 80 }] }), unset),
    [],
    "setting an empty clusterIP is allowed",
  );
});
