import assert from "node:assert/strict";
import { test } from "node:test";
import type { DNSRecord, Endpoints, Service } from "../../api/types.ts";
import { buildRouteTable } from "./build.ts";

function record(name: string, created: string, host: string, paths: DNSRecord["spec"]["paths"]): DNSRecord {
  return {
    apiVersion: "kdns.dev/v1",
    kind: "DNSRecord",
    metadata: { name, namespace: "default", creationTimestamp: created },
    spec: { host, paths },
  };
}

const web: Service = {
  apiVersion: "v1",
  kind: "Service",
  metadata: { name: "web", namespace: "default" },
  spec: {
    ports: [
      { name: "http", port: 80, targetPort: "http" },
      { name: "admin", port: 9000 },
    ],
  },
};
const webEndpoints: Endpoints = {
  apiVersion: "v1",
  kind: "Endpoints",
  metadata: { name: "web", namespace: "default" },
  subsets: [
    {
      addresses: [{ ip: "10.1.0.6" }, { ip: "10.1.0.5" }],
      notReadyAddresses: [{ ip: "10.1.0.7" }],
      ports: [
        { name: "http", port: 8080 },
        { name: "admin", port: 9090 },
      ],
    },
  ],
};

test("literal addresses and service endpoints become backends; longest prefix first", () => {
  const table = buildRouteTable({
    records: [
      record("r", "2024-01-01T00:00:00Z", "node1.com", [
        { path: "/service1", service: "service1", address: "127.1.1.10", port: 8010 },
        { path: "/service1/deeper/", service: "web", port: 80 },
        { path: "/admin", service: "web", port: 9000 },
      ]),
    ],
    services: [web],
    endpoints: [webEndpoints],
  });
  assert.equal(table.hosts.length, 1);
  const routes = table.hosts[0]!.routes;
  assert.deepEqual(
    routes.map((r) => r.prefix),
    ["/service1/deeper", "/service1", "/admin"],
  );
  assert.deepEqual(routes[0]!.backends, [
    { ip: "10.1.0.5", port: 8080 },
    { ip: "10.1.0.6", port: 8080 },
  ]);
  assert.deepEqual(routes[1]!.backends, [{ ip: "127.1.1.10", port: 8010 }]);
  assert.deepEqual(routes[2]!.backends, [
    { ip: "10.1.0.5", port: 9090 },
    { ip: "10.1.0.6", port: 9090 },
  ]);
  assert.deepEqual(table.records[0]!.served.sort(), ["/admin", "/service1", "/service1/deeper"]);
});

test("a missing service, port or endpoint leaves the route with a reason instead of backends", () => {
  const table = buildRouteTable({
    records: [
      record("r", "t", "a.com", [
        { path: "/gone", service: "nope", port: 80 },
        { path: "/port", service: "web", port: 81 },
        { path: "/noeps", service: "web", port: 80 },
      ]),
    ],
    services: [web],
    endpoints: [],
  });
  const reasons = Object.fromEntries(table.hosts[0]!.routes.map((r) => [r.prefix, r.unavailable]));
  assert.equal(reasons["/gone"], "service default/nope does not exist");
  assert.equal(reasons["/port"], "service default/web has no TCP port 81");
  assert.equal(reasons["/noeps"], "service default/web has no ready endpoints for port 80");
  assert.equal(table.records[0]!.unavailable.length, 3);
});

test("the older record wins a host+path conflict (trailing slash is the same path); the newer is told why", () => {
  const older = record("b-older", "2024-01-01T00:00:00Z", "x.com", [{ path: "/a", address: "10.0.0.1", port: 80 }]);
  const newer = record("a-newer", "2024-02-01T00:00:00Z", "x.com", [
    { path: "/a/", address: "10.0.0.2", port: 80 },
    { path: "/b", address: "10.0.0.2", port: 80 },
  ]);
  const table = buildRouteTable({ records: [newer, older], services: [], endpoints: [] });
  const a = table.hosts[0]!.routes.find((r) => r.prefix === "/a")!;
  assert.equal(a.record, "default/b-older");
  const lost = table.records.find((r) => r.key === "default/a-newer")!;
  assert.deepEqual(lost.lost, [{ path: "/a/", winner: "default/b-older" }]);
  assert.deepEqual(lost.served, ["/b"]);
  // same creationTimestamp: the name decides
  const tie = buildRouteTable({
    records: [{ ...newer, metadata: { ...newer.metadata, creationTimestamp: "2024-01-01T00:00:00Z" } }, older],
    services: [],
    endpoints: [],
  });
  assert.equal(tie.hosts[0]!.routes.find((r) => r.prefix === "/a")!.record, "default/a-newer");
});

test("records that slipped past API validation are never routed", () => {
  const bad = [
    record("h", "t", "a.com; include /etc/passwd", [{ path: "/x", address: "10.0.0.1", port: 80 }]),
    record("p", "t", "b.com", [{ path: "/x { return 200; } location /y", address: "10.0.0.1", port: 80 }]),
    record("d", "t", "c.com", [{ path: "/x$host", address: "10.0.0.1", port: 80 }]),
    record("u", "t", "d.com", [{ path: "/x", address: "1.2.3.4:80; include /etc/shadow;", port: 80 }]),
    record("q", "t", "e.com", [{ path: "/x", address: "10.0.0.1", port: 99999 }]),
  ];
  const table = buildRouteTable({ records: bad, services: [], endpoints: [] });
  assert.deepEqual(table.hosts, []);
  assert.ok(table.records.every((r) => r.invalid !== undefined));
});
