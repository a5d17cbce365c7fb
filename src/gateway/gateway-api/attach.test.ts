import assert from "node:assert/strict";
import { test } from "node:test";
import { defaultGateway, defaultHTTPRoute } from "../../api/defaults/gateway-api.ts";
import type { Gateway, GatewayClass, HTTPRoute, ReferenceGrant } from "../../api/gateway-api-types.ts";
import { attachRoutes, type GatewayApiInputs } from "./attach.ts";
import { gatewayStatus, routeStatus } from "./status.ts";
import { httpRouteSources } from "./translate.ts";

const cls = (name: string, controllerName: string): GatewayClass => ({
  apiVersion: "gateway.networking.k8s.io/v1",
  kind: "GatewayClass",
  metadata: { name },
  spec: { controllerName },
});

function gw(name: string, className: string, listeners: unknown[]): Gateway {
  const g = {
    apiVersion: "gateway.networking.k8s.io/v1",
    kind: "Gateway",
    metadata: { name, namespace: "infra", generation: 3 },
    spec: { gatewayClassName: className, listeners },
  } as Gateway;
  defaultGateway(g);
  return g;
}

function route(ns: string, name: string, spec: Record<string, unknown>): HTTPRoute {
  const r = {
    apiVersion: "gateway.networking.k8s.io/v1",
    kind: "HTTPRoute",
    metadata: { name, namespace: ns, generation: 2 },
    spec,
  } as HTTPRoute;
  defaultHTTPRoute(r);
  return r;
}

function inputs(routes: HTTPRoute[], extra: Partial<GatewayApiInputs> = {}): GatewayApiInputs {
  return {
    classes: [cls("kdns", "kdns.dev/gateway"), cls("other", "example.net/x")],
    gateways: [
      gw("web", "kdns", [
        { name: "http", port: 80, protocol: "HTTP", allowedRoutes: { namespaces: { from: "All" } } },
        { name: "wild", port: 80, protocol: "HTTP", hostname: "*.example.com" },
        {
          name: "tls",
          port: 443,
          protocol: "HTTPS",
          hostname: "secure.example.com",
          tls: { certificateRefs: [{ name: "cert" }] },
        },
        { name: "tcp", port: 9000, protocol: "TCP" },
      ]),
      gw("foreign", "other", [{ name: "http", port: 80, protocol: "HTTP" }]),
    ],
    routes,
    grants: [],
    namespaceLabels: () => ({}),
    serviceExists: (_ns, name) => name !== "missing",
    secretProblem: (ns, name) => (ns === "infra" && name === "cert" ? undefined : "not found"),
    ...extra,
  };
}

test("only kdns's classes and their Gateways are taken; listeners are judged one by one", () => {
  const a = attachRoutes(inputs([]));
  assert.deepEqual(a.classes, ["kdns"]);
  assert.deepEqual(
    a.gateways.map((g) => g.key),
    ["infra/web"],
  );
  const web = a.gateways[0]!;
  assert.deepEqual(
    web.listeners.map((l) => [l.listener.name, l.attachable, l.conditions[0]?.reason]),
    [
      ["http", true, "Accepted"],
      ["wild", true, "Accepted"],
      ["tls", true, "Accepted"],
      ["tcp", false, "UnsupportedProtocol"],
    ],
  );
  assert.deepEqual([web.accepted.status, web.accepted.reason], ["True", "ListenersNotValid"]);
  const status = gatewayStatus(web, { gatewayAddress: "10.0.0.5", now: new Date(0) }) as {
    addresses: unknown;
    conditions: { type: string; status: string; observedGeneration: number }[];
    listeners: { name: string; conditions: { type: string; status: string }[] }[];
  };
  assert.deepEqual(status.addresses, [{ type: "IPAddress", value: "10.0.0.5" }]);
  assert.deepEqual(
    status.conditions.map((c) => [c.type, c.status, c.observedGeneration]),
    [
      ["Accepted", "True", 3],
      ["Programmed", "True", 3],
    ],
  );
  const tcp = status.listeners.find((l) => l.name === "tcp")!;
  assert.deepEqual(
    tcp.conditions.map((c) => `${c.type}=${c.status}`),
    ["Accepted=False", "Programmed=False", "ResolvedRefs=True", "Conflicted=False"],
  );
});

test("a missing certificate or one in another namespace without a grant makes the HTTPS listener unready", () => {
  const missing = attachRoutes(inputs([], { secretProblem: () => "not found" })).gateways[0]!.listeners[2]!;
  assert.deepEqual([missing.attachable, missing.conditions[1]?.reason], [false, "InvalidCertificateRef"]);
  const noTls = attachRoutes(inputs([], { tlsListener: false })).gateways[0]!.listeners[2]!;
  assert.deepEqual([noTls.attachable, noTls.conditions[1]?.reason], [false, "ResolvedRefs"]);
  assert.match(noTls.problem ?? "", /without a TLS listener/);
  const g = inputs([]);
  const other = gw("x", "kdns", [
    { name: "tls", port: 443, protocol: "HTTPS", tls: { certificateRefs: [{ name: "cert", namespace: "certs" }] } },
  ]);
  const refused = attachRoutes({ ...g, gateways: [other] }).gateways[0]!.listeners[0]!;
  assert.equal(refused.conditions[1]?.reason, "RefNotPermitted");
  const grant: ReferenceGrant = {
    apiVersion: "gateway.networking.k8s.io/v1",
    kind: "ReferenceGrant",
    metadata: { name: "g", namespace: "certs" },
    spec: {
      from: [{ group: "gateway.networking.k8s.io", kind: "Gateway", namespace: "infra" }],
      to: [{ group: "", kind: "Secret" }],
    },
  };
  const granted = attachRoutes({ ...g, gateways: [other], grants: [grant], secretProblem: () => undefined })
    .gateways[0]!.listeners[0]!;
  assert.deepEqual([granted.attachable, granted.tlsSecret], [true, "certs/cert"]);
});

test("hostnames intersect with each listener's; the HTTPS listener's certificate covers its hosts", () => {
  const r = route("infra", "r", {
    parentRefs: [{ name: "web" }],
    hostnames: ["a.example.com", "secure.example.com", "other.org"],
    rules: [
      {
        matches: [
          {
            path: { type: "PathPrefix", value: "/api/" },
            headers: [
              { name: "X-V", value: "1" },
              { name: "x-v", value: "2" },
            ],
          },
        ],
        backendRefs: [
          { name: "svc", port: 80, weight: 3 },
          { name: "missing", port: 80 },
        ],
      },
    ],
  });
  const a = attachRoutes(inputs([r]));
  const state = a.routes[0]!;
  assert.deepEqual(
    state.attachments.map((x) => [x.listener, x.hosts, x.tlsSecret]),
    [
      ["http", ["a.example.com", "secure.example.com", "other.org"], undefined],
      ["wild", ["a.example.com", "secure.example.com"], undefined],
      ["tls", ["secure.example.com"], "infra/cert"],
    ],
  );
  assert.deepEqual(
    state.parents.map((p) => [p.accepted.reason, p.resolvedRefs.reason]),
    [["Accepted", "BackendNotFound"]],
  );
  const src = httpRouteSources(state)!;
  assert.deepEqual(src.owner, { kind: "HTTPRoute", namespace: "infra", name: "r" });
  assert.deepEqual(
    src.routes.map((x) => x.host),
    ["a.example.com", "secure.example.com", "other.org"],
  );
  assert.deepEqual(src.routes[0]?.match, {
    path: { type: "PathPrefix", value: "/api" },
    headers: [{ name: "x-v", value: "1" }],
  });
  assert.deepEqual(src.routes[0]?.backends, [
    { type: "service", namespace: "infra", name: "svc", port: 80, weight: 3 },
    // Kept with its weight: its share of requests is answered 500, not given to svc.
    { type: "invalid", target: "backendRef missing", reason: "Service infra/missing not found", weight: 1 },
  ]);
  assert.deepEqual(src.tls, [{ hosts: ["secure.example.com"], secret: "infra/cert", redirect: false }]);
  const status = routeStatus(state, new Date(0)) as { parents: { parentRef: unknown; controllerName: string }[] };
  assert.deepEqual(
    status.parents.map((p) => p.controllerName),
    ["kdns.dev/gateway"],
  );
});

test("parent reasons: section, namespace, hostname; another controller's entries are kept", () => {
  const cases: [HTTPRoute, string][] = [
    [route("infra", "a", { parentRefs: [{ name: "web", sectionName: "nope" }] }), "NoMatchingParent"],
    [route("infra", "b", { parentRefs: [{ name: "web", port: 8080 }] }), "NoMatchingParent"],
    [route("infra", "c", { parentRefs: [{ name: "web", sectionName: "tcp" }] }), "NoMatchingParent"],
    [
      route("apps", "d", { parentRefs: [{ name: "web", namespace: "infra", sectionName: "wild" }] }),
      "NotAllowedByListeners",
    ],
    [
      route("infra", "e", { parentRefs: [{ name: "web", sectionName: "wild" }], hostnames: ["example.com"] }),
      "NoMatchingListenerHostname",
    ],
    [
      route("apps", "f", { parentRefs: [{ name: "web", namespace: "infra" }], hostnames: ["x.example.com"] }),
      "Accepted",
    ],
  ];
  const a = attachRoutes(inputs(cases.map(([r]) => r)));
  assert.deepEqual(
    a.routes.map((r) => r.parents[0]?.accepted.reason),
    cases.map(([, reason]) => reason),
  );
  assert.equal(httpRouteSources(a.routes[0]!), undefined);
  const foreign = route("infra", "g", { parentRefs: [{ name: "foreign" }] });
  foreign.status = { parents: [{ parentRef: { name: "foreign" }, controllerName: "example.net/x", conditions: [] }] };
  const state = attachRoutes(inputs([foreign])).routes[0]!;
  assert.deepEqual(state.parents, []);
  assert.deepEqual((routeStatus(state, new Date(0)) as { parents: unknown[] }).parents, foreign.status.parents);
});
