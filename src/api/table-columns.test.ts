import assert from "node:assert/strict";
import { test } from "node:test";
import { columnsFor, endpointsString, labelsString, servicePorts } from "./table-columns.ts";
import type { Endpoints, KubeObject, Pod } from "./types.ts";

const now = Date.parse("2024-01-01T00:01:00Z");
const created = "2024-01-01T00:00:00Z";

test("ports column: port[:nodePort]/protocol, comma-separated, <none> when empty", () => {
  assert.equal(
    servicePorts([
      { port: 80, name: "http" },
      { port: 53, protocol: "UDP" },
      { port: 443, nodePort: 30443, protocol: "TCP" },
    ]),
    "80/TCP,53/UDP,443:30443/TCP",
  );
  assert.equal(servicePorts(undefined), "<none>");
  assert.equal(labelsString({ tier: "front", app: "web" }), "app=web,tier=front");
});

test("endpoints column lists ip:port per port and address, truncating after three", () => {
  const ep: Endpoints = {
    apiVersion: "v1",
    kind: "Endpoints",
    metadata: { name: "web" },
    subsets: [{ addresses: [{ ip: "10.0.0.1" }, { ip: "10.0.0.2" }], ports: [{ port: 80 }, { port: 443 }] }],
  };
  assert.equal(endpointsString(ep), "10.0.0.1:80,10.0.0.2:80,10.0.0.1:443 + 1 more...");
  assert.equal(endpointsString({ ...ep, subsets: [] }), "<none>");
});

test("pods: READY from the Ready condition, wide adds IP and NODE", () => {
  const pod: Pod = {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "web-1", creationTimestamp: created },
    spec: { nodeName: "n1", containers: [{ name: "a" }, { name: "b" }] },
    status: { phase: "Running", podIP: "10.1.0.5", conditions: [{ type: "Ready", status: "True" }] },
  };
  const cells = columnsFor("pods", true).map((c) => c.cell(pod, now));
  assert.deepEqual(cells, ["web-1", "2/2", "Running", "0", "60s", "10.1.0.5", "n1"]);
  assert.deepEqual(
    columnsFor("pods", false).map((c) => c.name),
    ["NAME", "READY", "STATUS", "RESTARTS", "AGE"],
  );
});

test("endpointslices, namespaces and dnsrecords have their kubectl-like columns", () => {
  const slice = {
    apiVersion: "discovery.k8s.io/v1",
    kind: "EndpointSlice",
    metadata: { name: "web-x", creationTimestamp: created },
    addressType: "IPv4",
    ports: [{ port: 80 }],
    endpoints: [{ addresses: ["10.1.0.5"] }],
  } as KubeObject;
  assert.deepEqual(
    columnsFor("endpointslices", false).map((c) => c.cell(slice, now)),
    ["web-x", "IPv4", "80", "10.1.0.5", "60s"],
  );
  const ns = {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { name: "shop", creationTimestamp: created },
    status: { phase: "Active" },
  } as KubeObject;
  assert.deepEqual(
    columnsFor("namespaces", false).map((c) => c.cell(ns, now)),
    ["shop", "Active", "60s"],
  );
  const rec = {
    apiVersion: "kdns.dev/v1",
    kind: "DNSRecord",
    metadata: { name: "r" },
    spec: {
      host: "a.com",
      paths: [
        { path: "/x", service: "s", port: 80 },
        { path: "/y", address: "10.0.0.1", port: 81 },
      ],
    },
  } as KubeObject;
  assert.deepEqual(
    columnsFor("dnsrecords", true).map((c) => c.cell(rec, now)),
    ["r", "a.com", "/x,/y", "<unknown>", "s:80,10.0.0.1:81", "<none>"],
  );
  const tls = { ...rec, spec: { ...(rec["spec"] as object), tls: { secretName: "site-tls" } } } as KubeObject;
  assert.equal(columnsFor("dnsrecords", true).at(-1)?.cell(tls, now), "site-tls");
  assert.deepEqual(
    columnsFor("dnsrecords", false).map((c) => c.name),
    ["NAME", "HOST", "PATHS", "AGE"],
  );
});

test("secrets and configmaps: kubectl's columns, key counts and never a value", () => {
  const secret = {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: "site-tls", creationTimestamp: created },
    type: "kubernetes.io/tls",
    data: { "tls.crt": Buffer.from("CERT-VALUE").toString("base64"), "tls.key": Buffer.from("KEY").toString("base64") },
  } as KubeObject;
  assert.deepEqual(
    columnsFor("secrets", true).map((c) => c.name),
    ["NAME", "TYPE", "DATA", "AGE"],
  );
  const cells = columnsFor("secrets", true).map((c) => c.cell(secret, now));
  assert.deepEqual(cells, ["site-tls", "kubernetes.io/tls", "2", "60s"]);
  assert.equal(columnsFor("secrets", false).map((c) => c.cell({ ...secret, data: undefined }, now))[2], "0");
  const cm = {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: "settings", creationTimestamp: created },
    data: { a: "1", b: "2" },
    binaryData: { c: "AA==" },
  } as KubeObject;
  assert.deepEqual(
    columnsFor("configmaps", true).map((c) => c.name),
    ["NAME", "DATA", "AGE"],
  );
  assert.deepEqual(
    columnsFor("configmaps", false).map((c) => c.cell(cm, now)),
    ["settings", "3", "60s"],
  );
});

test("ingress and ingressclass columns as kubectl prints them", () => {
  const row = (resource: string, obj: KubeObject) => columnsFor(resource, false).map((c) => [c.name, c.cell(obj, now)]);
  const ing: KubeObject = {
    apiVersion: "networking.k8s.io/v1",
    kind: "Ingress",
    metadata: { name: "site", creationTimestamp: created },
    spec: {
      tls: [{ hosts: ["a.test"], secretName: "s" }],
      rules: [{ host: "a.test" }, { host: "b.test" }, {}, { host: "d.test" }],
    },
    status: { loadBalancer: { ingress: [{ ip: "127.0.0.1" }] } },
  };
  assert.deepEqual(row("ingresses", ing), [
    ["NAME", "site"],
    ["CLASS", "<none>"],
    ["HOSTS", "a.test,b.test,* + 1 more..."],
    ["ADDRESS", "127.0.0.1"],
    ["PORTS", "80, 443"],
    ["AGE", "60s"],
  ]);
  const bare: KubeObject = { ...ing, spec: { ingressClassName: "kdns", defaultBackend: {} }, status: {} };
  assert.deepEqual(
    row("ingresses", bare).map(([, v]) => v),
    ["site", "kdns", "*", "", "80", "60s"],
  );
  const cls: KubeObject = {
    apiVersion: "networking.k8s.io/v1",
    kind: "IngressClass",
    metadata: { name: "kdns", creationTimestamp: created },
    spec: { controller: "kdns.dev/gateway" },
  };
  assert.deepEqual(
    row("ingressclasses", cls).map(([, v]) => v),
    ["kdns", "kdns.dev/gateway", "<none>", "60s"],
  );
});
