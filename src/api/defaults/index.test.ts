import assert from "node:assert/strict";
import { test } from "node:test";
import type { KubeObject } from "../types.ts";
import {
  defaultDNSRecord,
  defaultEndpointSlice,
  defaultEndpoints,
  defaultNamespace,
  defaultPod,
  defaultSecret,
  defaultService,
} from "./index.ts";

const obj = (kind: string, body: Record<string, unknown>): KubeObject => ({
  apiVersion: "v1",
  kind,
  metadata: { name: "x" },
  ...body,
});

test("Service defaults", () => {
  const s = obj("Service", {
    spec: {
      clusterIP: "10.96.0.10",
      ports: [{ port: 53, protocol: "UDP" }, { port: 80 }, { port: 81, targetPort: "http" }],
    },
  });
  defaultService(s);
  assert.deepEqual(s["spec"], {
    type: "ClusterIP",
    sessionAffinity: "None",
    clusterIP: "10.96.0.10",
    clusterIPs: ["10.96.0.10"],
    ipFamilies: ["IPv4"],
    ipFamilyPolicy: "SingleStack",
    ports: [
      { port: 53, protocol: "UDP", targetPort: 53 },
      { port: 80, protocol: "TCP", targetPort: 80 },
      { port: 81, protocol: "TCP", targetPort: "http" },
    ],
  });
  const dual = obj("Service", { spec: { clusterIPs: ["10.0.0.1", "fd00::1"], ipFamilyPolicy: "RequireDualStack" } });
  defaultService(dual);
  assert.equal((dual["spec"] as Record<string, unknown>)["clusterIP"], "10.0.0.1");
  assert.deepEqual((dual["spec"] as Record<string, unknown>)["ipFamilies"], ["IPv4", "IPv6"]);
  assert.equal((dual["spec"] as Record<string, unknown>)["ipFamilyPolicy"], "RequireDualStack");
  const ext = obj("Service", { spec: { type: "ExternalName", externalName: "a.com" } });
  defaultService(ext);
  assert.equal((ext["spec"] as Record<string, unknown>)["clusterIPs"], undefined);
});

test("Pod defaults: container port protocol, podIP <-> podIPs", () => {
  const p = obj("Pod", {
    spec: { containers: [{ name: "a", ports: [{ containerPort: 80 }] }] },
    status: { podIP: "10.1.0.5" },
  });
  defaultPod(p);
  assert.equal(
    (p["spec"] as { containers: { ports: { protocol: string }[] }[] }).containers[0]?.ports[0]?.protocol,
    "TCP",
  );
  assert.deepEqual((p["status"] as Record<string, unknown>)["podIPs"], [{ ip: "10.1.0.5" }]);
  const q = obj("Pod", { spec: { containers: [] }, status: { podIPs: [{ ip: "fd00::5" }, { ip: "10.1.0.5" }] } });
  defaultPod(q);
  assert.equal((q["status"] as Record<string, unknown>)["podIP"], "fd00::5");
});

test("Namespace, Endpoints, EndpointSlice and DNSRecord defaults", () => {
  const n = obj("Namespace", {});
  defaultNamespace(n);
  assert.deepEqual([n["spec"], n["status"]], [{ finalizers: ["kubernetes"] }, { phase: "Active" }]);
  const kept = obj("Namespace", { spec: { finalizers: [] }, status: { phase: "Terminating" } });
  defaultNamespace(kept);
  assert.deepEqual([kept["spec"], kept["status"]], [{ finalizers: [] }, { phase: "Terminating" }]);
  const e = obj("Endpoints", { subsets: [{ ports: [{ port: 80 }, { port: 53, protocol: "UDP" }] }] });
  defaultEndpoints(e);
  assert.deepEqual(e["subsets"], [
    {
      ports: [
        { port: 80, protocol: "TCP" },
        { port: 53, protocol: "UDP" },
      ],
    },
  ]);
  const sl = obj("EndpointSlice", { ports: [{ port: 80 }] });
  defaultEndpointSlice(sl);
  assert.deepEqual(sl["ports"], [{ port: 80, protocol: "TCP" }]);
  const r = obj("DNSRecord", {
    spec: {
      host: "Node1.COM",
      paths: [
        { service: "service1", address: "10.1.1.10", port: 8010 },
        { path: "/x", service: "s2", port: 1 },
      ],
    },
  });
  defaultDNSRecord(r);
  assert.deepEqual(r["spec"], {
    host: "node1.com",
    paths: [
      { path: "/service1", service: "service1", address: "10.1.1.10", port: 8010 },
      { path: "/x", service: "s2", port: 1 },
    ],
  });
});

test("defaulting never throws on garbage", () => {
  const garbage: unknown[] = [
    undefined,
    null,
    7,
    "x",
    [],
    [null, 1, "x"],
    { ports: "x", containers: 3, paths: 7, host: 5, subsets: "y", clusterIPs: [3] },
    {
      ports: [null, { port: "80" }],
      containers: [null, { ports: [1] }],
      paths: [null, 3, { service: 4 }],
      subsets: [null, { ports: 4 }],
    },
  ];
  const fns = [defaultService, defaultPod, defaultNamespace, defaultEndpoints, defaultEndpointSlice, defaultDNSRecord];
  for (const g of garbage) {
    for (const fn of fns) {
      const o = {
        apiVersion: "v1",
        kind: "X",
        metadata: {},
        spec: structuredClone(g),
        status: structuredClone(g),
        subsets: structuredClone(g),
        ports: structuredClone(g),
      } as KubeObject;
      assert.doesNotThrow(() => fn(o), `${fn.name} on ${JSON.stringify(g)}`);
    }
  }
});

test("Secret type defaults to Opaque; a given type stays", () => {
  for (const type of [undefined, null, ""]) {
    const s = obj("Secret", type === undefined ? {} : { type });
    defaultSecret(s);
    assert.equal(s["type"], "Opaque");
  }
  const tls = obj("Secret", { type: "kubernetes.io/tls" });
  defaultSecret(tls);
  assert.equal(tls["type"], "kubernetes.io/tls");
});

test("DNSRecord TLS redirects plain HTTP unless told not to; no tls, no field", () => {
  const on = obj("DNSRecord", { spec: { host: "a.com", paths: [], tls: { secretName: "t" } } });
  defaultDNSRecord(on);
  assert.deepEqual((on["spec"] as { tls: unknown }).tls, { secretName: "t", httpRedirect: true });
  const off = obj("DNSRecord", { spec: { host: "a.com", paths: [], tls: { secretName: "t", httpRedirect: false } } });
  defaultDNSRecord(off);
  assert.deepEqual((off["spec"] as { tls: unknown }).tls, { secretName: "t", httpRedirect: false });
  const none = obj("DNSRecord", { spec: { host: "a.com", paths: [] } });
  defaultDNSRecord(none);
  assert.equal(Object.hasOwn(none["spec"] as object, "tls"), false);
});
