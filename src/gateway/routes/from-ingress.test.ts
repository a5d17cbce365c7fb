import assert from "node:assert/strict";
import { test } from "node:test";
import type { DNSRecord, Ingress } from "../../api/types.ts";
import { buildRouteTable } from "./build.ts";
import { dnsRecordRoutes } from "./from-dns-record.ts";
import { ingressRoutes } from "./from-ingress.ts";

const backend = (name: string, port: number | string) => ({
  service: { name, port: typeof port === "number" ? { number: port } : { name: port } },
});

function ingress(name: string, created: string, spec: NonNullable<Ingress["spec"]>): Ingress {
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "Ingress",
    metadata: { name, namespace: "default", creationTimestamp: created },
    spec,
  };
}

test("pathTypes map to Exact and PathPrefix, paths pass unchanged, defaultBackend follows the paths", () => {
  const o = ingressRoutes(
    ingress("i", "t", {
      defaultBackend: backend("fallback", 8080),
      rules: [
        {
          host: "foo.bar.com",
          http: {
            paths: [
              { path: "/exact", pathType: "Exact", backend: backend("a", 80) },
              { path: "/pre/", pathType: "Prefix", backend: backend("b", "http") },
              { path: "/impl", pathType: "ImplementationSpecific", backend: backend("c", 80) },
            ],
          },
        },
        { http: { paths: [{ path: "/", pathType: "Prefix", backend: backend("any", 80) }] } },
      ],
    }),
  );
  assert.equal(o.invalid, undefined);
  assert.deepEqual(
    o.routes.map((r) => [r.host, r.match.path.type, r.match.path.value, r.filters.length]),
    [
      ["foo.bar.com", "Exact", "/exact", 0],
      ["foo.bar.com", "PathPrefix", "/pre", 0],
      ["foo.bar.com", "PathPrefix", "/impl", 0],
      ["*", "PathPrefix", "/", 0],
      ["foo.bar.com", "PathPrefix", "/", 0],
      ["*", "PathPrefix", "/", 0],
    ],
  );
  assert.deepEqual(o.routes[1]!.backends, [
    { type: "service", namespace: "default", name: "b", port: "http", weight: 1 },
  ]);
});

test("Exact before Prefix, longer before shorter; an older DNSRecord wins the same host+prefix and the Ingress is told", () => {
  const ing = ingress("i", "2024-02-01T00:00:00Z", {
    rules: [
      {
        host: "a.test",
        http: {
          paths: [
            { path: "/", pathType: "Prefix", backend: backend("root", 80) },
            { path: "/foo", pathType: "Prefix", backend: backend("prefix", 80) },
            { path: "/foo", pathType: "Exact", backend: backend("exact", 80) },
            { path: "/taken", pathType: "Prefix", backend: backend("mine", 80) },
          ],
        },
      },
    ],
  });
  const rec: DNSRecord = {
    apiVersion: "kdns.dev/v1",
    kind: "DNSRecord",
    metadata: { name: "old", namespace: "default", creationTimestamp: "2024-01-01T00:00:00Z" },
    spec: { host: "a.test", paths: [{ path: "/taken/", address: "10.0.0.1", port: 80 }] },
  };
  const table = buildRouteTable({ sources: [ingressRoutes(ing), dnsRecordRoutes(rec)], services: [], endpoints: [] });
  const routes = table.hosts[0]!.routes;
  assert.deepEqual(
    routes.map((r) => `${r.owner.kind} ${r.match.path.type} ${r.match.path.value}`),
    ["Ingress Exact /foo", "DNSRecord PathPrefix /taken", "Ingress PathPrefix /foo", "Ingress PathPrefix /"],
  );
  const lost = table.outcomes.find((o) => o.owner.kind === "Ingress")!.lost;
  assert.deepEqual(lost, [
    { host: "a.test", path: "/taken", winner: { kind: "DNSRecord", namespace: "default", name: "old" } },
  ]);
});

test("an Ingress that slipped past validation is not routed", () => {
  const o = ingressRoutes(
    ingress("bad", "t", {
      rules: [{ host: "a.com;}", http: { paths: [{ path: "/", pathType: "Prefix", backend: backend("a", 80) }] } }],
    }),
  );
  assert.match(o.invalid ?? "", /spec\.rules\[0\]\.host/);
  assert.deepEqual(o.routes, []);
});
