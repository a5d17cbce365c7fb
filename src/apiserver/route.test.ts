import assert from "node:assert/strict";
import { test } from "node:test";
import { resolveRoute } from "./route.ts";

function summary(path: string): string {
  const r = resolveRoute(path);
  if (r.type !== "resource") return r.type;
  return [r.info.resource, r.namespace ?? "-", r.name ?? "-", r.subresource ?? "-"].join(" ");
}

test("resolves the Kubernetes path grammar against the resource table", () => {
  const cases: [string, string][] = [
    ["/api", "api-versions"],
    ["/apis", "api-groups"],
    ["/apis/kdns.dev", "api-group"],
    ["/api/v1", "resource-list"],
    ["/apis/discovery.k8s.io/v1", "resource-list"],
    ["/api/v1/pods", "pods - - -"],
    ["/api/v1/namespaces/default/pods", "pods default - -"],
    ["/api/v1/namespaces/default/pods/p1", "pods default p1 -"],
    ["/api/v1/namespaces/default/pods/p1/status", "pods default p1 status"],
    ["/api/v1/namespaces", "namespaces - - -"],
    ["/api/v1/namespaces/default", "namespaces - default -"],
    ["/api/v1/namespaces/default/status", "namespaces - default status"],
    ["/api/v1/namespaces/default/finalize", "namespaces - default finalize"],
    ["/api/v1/namespaces/default/pods/p1/finalize", "unknown"],
    ["/apis/discovery.k8s.io/v1/endpointslices", "endpointslices - - -"],
    ["/apis/kdns.dev/v1/namespaces/a%20b/dnsrecords/r/status", "dnsrecords a b r status"],
    ["/api/v1/namespaces/default/endpoints/e/status", "unknown"],
    ["/api/v1/namespaces/default/dnsrecords", "unknown"],
    ["/apis/kdns.dev/v2/dnsrecords", "unknown"],
    ["/api/v1/pods/p1", "unknown"],
    ["/api/v1/namespaces/default/pods/p1/status/x", "unknown"],
    ["/metrics", "unknown"],
    ["/api/v1/namespaces/%E0%A4%A", "unknown"],
  ];
  for (const [path, want] of cases) assert.equal(summary(path), want, path);
});
