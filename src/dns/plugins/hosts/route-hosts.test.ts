import assert from "node:assert/strict";
import { test } from "node:test";
import type { HTTPRoute } from "../../../api/gateway-api-types.ts";
import { type GatewayView, type RouteClaim, routeClaim, routeHosts } from "./route-hosts.ts";

const GW: GatewayView = {
  namespace: "infra",
  listeners: [
    { name: "web", port: 80, hostname: "portal.example.org", from: "All" },
    { name: "wild", port: 80, hostname: "*.apps.example.org", from: "Same" },
    { name: "any", port: 8080, from: "All" },
  ],
};
const lookup = (key: string): GatewayView | undefined => (key === "infra/gw" ? GW : undefined);
const claim = (namespace: string, hostnames: string[], parent: Partial<RouteClaim["parents"][number]> = {}) => ({
  namespace,
  hostnames,
  parents: [{ gateway: "infra/gw", ...parent }],
});

test("a route's names: its hostnames intersected with each selected listener's, the listener's when it has none", () => {
  const cases: [RouteClaim, string[]][] = [
    [claim("infra", []), ["portal.example.org", "*.apps.example.org"]],
    [claim("infra", [], { sectionName: "web" }), ["portal.example.org"]],
    [claim("infra", [], { port: 8080 }), []], // a listener without hostname: every name, none in DNS
    [claim("apps", []), ["portal.example.org"]], // listener wild admits routes of its own namespace only
    // Narrowed to each listener's name, and as written through the listener without hostname.
    [claim("infra", ["*.example.org"]), ["portal.example.org", "*.apps.example.org", "*.example.org"]],
    [claim("infra", ["*.example.org"], { sectionName: "web" }), ["portal.example.org"]],
    [claim("infra", ["a.apps.example.org", "other.test"]), ["a.apps.example.org", "other.test"]],
    [{ namespace: "infra", hostnames: ["Own.Test"], parents: [{ gateway: "infra/unknown" }] }, ["own.test"]],
  ];
  for (const [c, want] of cases) assert.deepEqual(routeHosts(c, lookup), want, JSON.stringify(c));
});

test("only the parents a kdns Gateway accepted count", () => {
  const route = {
    apiVersion: "gateway.networking.k8s.io/v1",
    kind: "HTTPRoute",
    metadata: { namespace: "apps", name: "r" },
    spec: { hostnames: ["a.test"] },
    status: {
      parents: [
        {
          parentRef: { name: "gw", namespace: "infra", sectionName: "web" },
          controllerName: "kdns.dev/gateway",
          conditions: [{ type: "Accepted", status: "True" }],
        },
        {
          parentRef: { name: "no" },
          controllerName: "kdns.dev/gateway",
          conditions: [{ type: "Accepted", status: "False" }],
        },
        {
          parentRef: { name: "theirs" },
          controllerName: "example.net/x",
          conditions: [{ type: "Accepted", status: "True" }],
        },
      ],
    },
  } as unknown as HTTPRoute;
  assert.deepEqual(routeClaim(route), {
    namespace: "apps",
    hostnames: ["a.test"],
    parents: [{ gateway: "infra/gw", sectionName: "web" }],
  });
});
