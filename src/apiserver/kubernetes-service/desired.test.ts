import assert from "node:assert/strict";
import { test } from "node:test";
import { desiredEndpointSlices, desiredEndpoints, desiredService } from "./desired.ts";

const A = { address: "10.0.0.2", port: 6443, scheme: "https" as const };
const B = { address: "10.0.0.1", port: 6443, scheme: "https" as const };

test("the Service: https/443 onto the API port, the first service address, no selector", () => {
  const svc = desiredService([A, B], "10.96.0.1");
  assert.deepEqual(svc?.spec, {
    type: "ClusterIP",
    clusterIP: "10.96.0.1",
    clusterIPs: ["10.96.0.1"],
    sessionAffinity: "None",
    ports: [{ name: "https", protocol: "TCP", port: 443, targetPort: 6443 }],
  });
  assert.deepEqual(svc?.metadata, {
    name: "kubernetes",
    namespace: "default",
    labels: { component: "apiserver", provider: "kubernetes" },
  });
  const plain = desiredService([{ address: "127.0.0.1", port: 7443, scheme: "http" }], "10.96.0.1");
  assert.deepEqual(plain?.spec.ports, [{ name: "http", protocol: "TCP", port: 7443, targetPort: 7443 }]);
  assert.equal(desiredService([], "10.96.0.1"), undefined);
});

test("servers listed in any order give the same objects", () => {
  assert.deepEqual(desiredService([A, B], "10.96.0.1"), desiredService([B, A], "10.96.0.1"));
  assert.deepEqual(desiredEndpoints([A, B]), desiredEndpoints([B, A]));
  assert.deepEqual(desiredEndpointSlices([A, B]), desiredEndpointSlices([B, A]));
});

test("Endpoints: one subset per port; EndpointSlices: one per family and port, the first named kubernetes", () => {
  const C = { address: "127.0.0.1", port: 7000, scheme: "https" as const };
  const D = { address: "::1", port: 6443, scheme: "https" as const };
  assert.deepEqual(desiredEndpoints([A, B, C, D]).subsets, [
    {
      addresses: [{ ip: "::1" }, { ip: "10.0.0.1" }, { ip: "10.0.0.2" }],
      ports: [{ name: "https", port: 6443, protocol: "TCP" }],
    },
    { addresses: [{ ip: "127.0.0.1" }], ports: [{ name: "https", port: 7000, protocol: "TCP" }] },
  ]);
  const slices = desiredEndpointSlices([A, B, C, D]);
  assert.deepEqual(
    slices.map((s) => [
      s.metadata.name,
      s.addressType,
      s.endpoints.map((e) => e.addresses[0]).join(","),
      s.ports?.[0]?.port,
    ]),
    [
      ["kubernetes", "IPv4", "10.0.0.1,10.0.0.2", 6443],
      ["kubernetes-ipv4-7000", "IPv4", "127.0.0.1", 7000],
      ["kubernetes-ipv6-6443", "IPv6", "::1", 6443],
    ],
  );
  assert.deepEqual(slices[0]?.metadata.labels, {
    "kubernetes.io/service-name": "kubernetes",
    "endpointslice.kubernetes.io/managed-by": "kdns-apiserver",
  });
});

test("with no server left, Endpoints have no subsets and the kubernetes slice no endpoints", () => {
  assert.deepEqual(desiredEndpoints([]).subsets, []);
  const [only, ...rest] = desiredEndpointSlices([]);
  assert.equal(rest.length, 0);
  assert.equal(only?.metadata.name, "kubernetes");
  assert.deepEqual(only?.endpoints, []);
});
