/**
 * The Gateway API kinds with the real kubectl against `kdns up` (built-in gateway): discovery and
 * `kubectl get gateway,httproute,gatewayclass,referencegrant`, `kubectl apply -f` of manifests in
 * the shape of upstream's examples, `kubectl wait --for=condition=…` on the statuses kdns writes
 * (GatewayClass Accepted, Gateway Programmed with the gateway address), the HTTPRoute parent
 * reasons (NoMatchingParent, NotAllowedByListeners, NoMatchingListenerHostname, BackendNotFound,
 * RefNotPermitted, InvalidKind), a ReferenceGrant turning RefNotPermitted into ResolvedRefs, and
 * 422s for hostile values.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { resolve } from "node:path";
import { after, before, test } from "node:test";
import { promisify } from "node:util";
import { dig, digUntilAnswered, requireDig } from "../support/dig.ts";
import { freePort } from "../support/free-port.ts";
import { gatewayArgs } from "../support/kdns-up.ts";
import { waitFor } from "../support/wait-for.ts";
import { type Echo, startEcho } from "./gateway-harness.ts";
import { type Cluster, ok, requireKubectl, startCluster } from "./kubectl-harness.ts";

const run = promisify(execFile);
let c: Cluster;
let gatewayPort: number;
let echo: Awaited<ReturnType<typeof startEcho>>;

const SETUP = `
apiVersion: v1
kind: Namespace
metadata:
  name: infra
---
apiVersion: v1
kind: Namespace
metadata:
  name: apps
---
apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata:
  name: kdns
spec:
  controllerName: kdns.dev/gateway
  description: served by kdns
---
apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata:
  name: someone-else
spec:
  controllerName: example.net/gateway-controller
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: prod-web
  namespace: infra
spec:
  gatewayClassName: kdns
  listeners:
  - name: http
    protocol: HTTP
    port: 80
    allowedRoutes:
      namespaces:
        from: All
  - name: same-only
    protocol: HTTP
    port: 8080
    hostname: "*.internal.example"
---
apiVersion: v1
kind: Service
metadata:
  name: foo-svc
  namespace: infra
spec:
  ports:
  - port: 8080
---
apiVersion: v1
kind: Service
metadata:
  name: shared-svc
  namespace: infra
spec:
  ports:
  - port: 80
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: foo
  namespace: infra
spec:
  parentRefs:
  - name: prod-web
  hostnames:
  - foo.example.com
  rules:
  - matches:
    - path:
        type: PathPrefix
        value: /login
    backendRefs:
    - name: foo-svc
      port: 8080
`;

const ROUTES = `
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: wrong-section
  namespace: infra
spec:
  parentRefs:
  - name: prod-web
    sectionName: nope
  rules:
  - backendRefs:
    - name: foo-svc
      port: 8080
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: from-apps
  namespace: apps
spec:
  parentRefs:
  - name: prod-web
    namespace: infra
    sectionName: same-only
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: other-host
  namespace: infra
spec:
  parentRefs:
  - name: prod-web
    sectionName: same-only
  hostnames:
  - www.example.com
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: missing-backend
  namespace: infra
spec:
  parentRefs:
  - name: prod-web
  rules:
  - backendRefs:
    - name: no-such-svc
      port: 80
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: cross-ns
  namespace: apps
spec:
  parentRefs:
  - name: prod-web
    namespace: infra
  hostnames:
  - shared.example.com
  rules:
  - backendRefs:
    - name: shared-svc
      namespace: infra
      port: 80
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: bad-kind
  namespace: infra
spec:
  parentRefs:
  - name: prod-web
  rules:
  - backendRefs:
    - group: example.net
      kind: Bucket
      name: b
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: not-ours
  namespace: infra
spec:
  parentRefs:
  - name: elsewhere
`;

const GRANT = `
apiVersion: gateway.networking.k8s.io/v1
kind: ReferenceGrant
metadata:
  name: apps-to-shared
  namespace: infra
spec:
  from:
  - group: gateway.networking.k8s.io
    kind: HTTPRoute
    namespace: apps
  to:
  - group: ""
    kind: Service
    name: shared-svc
`;

interface Cond {
  type: string;
  status: string;
  reason: string;
  observedGeneration?: number;
}

async function routeConditions(ns: string, name: string): Promise<Cond[] | undefined> {
  const r = await c.kubectl(["get", "httproute", name, "-n", ns, "-o", "json"]);
  const parents = (JSON.parse(ok(r, "get httproute")) as { status?: { parents?: { conditions: Cond[] }[] } }).status
    ?.parents;
  return parents?.[0]?.conditions;
}

async function reasons(ns: string, name: string, want: string): Promise<string> {
  return waitFor(
    async () => {
      const conds = await routeConditions(ns, name);
      const got = (conds ?? []).map((x) => `${x.type}=${x.status}/${x.reason}`).join(" ");
      return got === want ? got : undefined;
    },
    { what: `${ns}/${name} conditions ${want}`, timeoutMs: 20_000, intervalMs: 200 },
  );
}

before(async () => {
  requireKubectl();
  requireDig();
  gatewayPort = await freePort();
  echo = await startEcho("foo-backend");
  c = await startCluster([...gatewayArgs(gatewayPort)]);
});

after(async () => {
  await c?.stop();
  await echo?.close();
});

/** `curl` through kdns's gateway with a Host header. */
async function curl(host: string, path: string): Promise<{ status: number; body: string }> {
  const url = `http://127.0.0.1:${gatewayPort}${path}`;
  const { stdout } = await run("curl", ["-sS", "--max-time", "5", "-H", `Host: ${host}`, "-w", "\\n%{http_code}", url]);
  const cut = stdout.lastIndexOf("\n");
  return { status: Number(stdout.slice(cut + 1)), body: stdout.slice(0, cut) };
}

/** Waits until kdns's DNS answers `name`, then checks its one answer is the gateway's address. */
async function answersGatewayAddress(name: string): Promise<void> {
  const answer = await digUntilAnswered("127.0.0.1", c.dnsPort, [name, "A"], { timeoutMs: 20_000, intervalMs: 200 });
  assert.deepEqual(
    answer.answer.map((a) => [a.type, a.data]),
    [["A", "127.0.0.1"]],
    name,
  );
}

test("discovery lists the four kinds and kubectl get reads them all", async () => {
  const r = ok(await c.kubectl(["api-resources", "--api-group=gateway.networking.k8s.io"]), "api-resources");
  for (const kind of ["GatewayClass", "Gateway", "HTTPRoute", "ReferenceGrant"])
    assert.match(r, new RegExp(`\\b${kind}\\b`));
  assert.match(r, /gatewayclasses\s+gc\s+gateway\.networking\.k8s\.io\/v1\s+false\s+GatewayClass/);
  ok(await c.kubectl(["apply", "-f", "-"], { stdin: SETUP }), "apply setup");
  const all = ok(await c.kubectl(["get", "gateway,httproute,gatewayclass,referencegrant", "-A"]), "get all");
  assert.match(all, /gateway\.gateway\.networking\.k8s\.io\/prod-web/);
  assert.match(all, /httproute\.gateway\.networking\.k8s\.io\/foo/);
  assert.match(all, /gatewayclass\.gateway\.networking\.k8s\.io\/kdns/);
});

test("kdns accepts its GatewayClass, programs the Gateway with its address, and accepts the route", async () => {
  ok(await c.kubectl(["wait", "--for=condition=Accepted", "gatewayclass/kdns", "--timeout=30s"]), "wait class");
  ok(
    await c.kubectl(["wait", "--for=condition=Programmed", "gateway/prod-web", "-n", "infra", "--timeout=30s"]),
    "wait gw",
  );
  const classes = ok(await c.kubectl(["get", "gatewayclass"]), "get gatewayclass");
  assert.match(classes, /^NAME\s+CONTROLLER\s+ACCEPTED\s+AGE\n/);
  assert.match(classes, /\nkdns\s+kdns\.dev\/gateway\s+True\s+\S+\n/);
  // Another controller's class keeps the Pending condition the defaults gave it.
  assert.match(classes, /\nsomeone-else\s+example\.net\/gateway-controller\s+Unknown\s+/);
  const gws = ok(await c.kubectl(["get", "gateway", "-n", "infra"]), "get gateway");
  assert.match(gws, /^NAME\s+CLASS\s+ADDRESS\s+PROGRAMMED\s+AGE\n/);
  assert.match(gws, /\nprod-web\s+kdns\s+127\.0\.0\.1\s+True\s+\S+\n/);
  const routes = ok(await c.kubectl(["get", "httproute", "-n", "infra"]), "get httproute");
  assert.match(routes, /^NAME\s+HOSTNAMES\s+AGE\n/);
  assert.match(routes, /\nfoo\s+\["foo\.example\.com"\]\s+\S+\n/);
  await reasons("infra", "foo", "Accepted=True/Accepted ResolvedRefs=True/ResolvedRefs");
  // The route serves through kdns's gateway once the Service has endpoints (written by hand: no selector).
  const endpoints = `apiVersion: v1
kind: Endpoints
metadata: {name: foo-svc, namespace: infra}
subsets:
- addresses: [{ip: 127.0.0.1}]
  ports: [{port: ${echo.port}}]
`;
  ok(await c.kubectl(["apply", "-f", "-"], { stdin: endpoints }), "apply endpoints");
  const served = await waitFor(
    async () => {
      const r = await curl("foo.example.com", "/login/x?a=1");
      return r.status === 200 ? (JSON.parse(r.body) as Echo) : undefined;
    },
    { what: "foo.example.com/login served", timeoutMs: 20_000, intervalMs: 200 },
  );
  assert.deepEqual([served.name, served.url], ["foo-backend", "/login/x?a=1"]);
  assert.equal((await curl("foo.example.com", "/logout")).status, 404);
  // DNS answers the accepted route's hostname with the gateway address.
  await answersGatewayAddress("foo.example.com");
  assert.equal((await curl("bar.example.com", "/login")).status, 404);
  const gw = JSON.parse(
    ok(await c.kubectl(["get", "gateway", "prod-web", "-n", "infra", "-o", "json"]), "gw json"),
  ) as {
    metadata: { generation: number };
    status: { listeners: { name: string; attachedRoutes: number; conditions: Cond[] }[]; conditions: Cond[] };
  };
  const http = gw.status.listeners.find((l) => l.name === "http");
  assert.ok(http && http.attachedRoutes >= 1, JSON.stringify(gw.status.listeners));
  assert.ok(gw.status.conditions.every((x) => x.observedGeneration === gw.metadata.generation));
});

test("route parent reasons as the spec names them", async () => {
  ok(await c.kubectl(["apply", "-f", "-"], { stdin: ROUTES }), "apply routes");
  await reasons("infra", "wrong-section", "Accepted=False/NoMatchingParent ResolvedRefs=True/ResolvedRefs");
  await reasons("apps", "from-apps", "Accepted=False/NotAllowedByListeners ResolvedRefs=True/ResolvedRefs");
  await reasons("infra", "other-host", "Accepted=False/NoMatchingListenerHostname ResolvedRefs=True/ResolvedRefs");
  await reasons("infra", "missing-backend", "Accepted=True/Accepted ResolvedRefs=False/BackendNotFound");
  await reasons("apps", "cross-ns", "Accepted=True/Accepted ResolvedRefs=False/RefNotPermitted");
  await reasons("infra", "bad-kind", "Accepted=True/Accepted ResolvedRefs=False/InvalidKind");
  // A Gateway kdns does not know: no status is written for it.
  assert.equal(await routeConditions("infra", "not-ours"), undefined);
  ok(await c.kubectl(["apply", "-f", "-"], { stdin: GRANT }), "apply grant");
  await reasons("apps", "cross-ns", "Accepted=True/Accepted ResolvedRefs=True/ResolvedRefs");
  ok(await c.kubectl(["delete", "referencegrant", "apps-to-shared", "-n", "infra"]), "delete grant");
  await reasons("apps", "cross-ns", "Accepted=True/Accepted ResolvedRefs=False/RefNotPermitted");
});

test("an HTTPRoute that loses a host + path to an older one gets a Conflict Event, shown by kubectl describe", async () => {
  const conflicting = (name: string) => `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: ${name}
  namespace: infra
spec:
  parentRefs:
  - name: prod-web
    sectionName: http
  hostnames: [conflict.example.com]
  rules:
  - matches:
    - path: {type: PathPrefix, value: /c}
    backendRefs: [{name: foo-svc, port: 8080}]
`;
  // Created in this order, conflict-a is older (or, in the same second, first by name): it wins.
  ok(await c.kubectl(["apply", "-f", "-"], { stdin: conflicting("conflict-a") }), "apply conflict-a");
  ok(await c.kubectl(["apply", "-f", "-"], { stdin: conflicting("conflict-b") }), "apply conflict-b");
  const described = await waitFor(
    async () => {
      const out = ok(await c.kubectl(["describe", "httproute", "conflict-b", "-n", "infra"]), "describe");
      return /Warning\s+Conflict/.test(out) ? out : undefined;
    },
    { what: "a Conflict Event on HTTPRoute conflict-b", timeoutMs: 20_000, intervalMs: 200 },
  );
  assert.match(
    described,
    /Warning\s+Conflict\s+.*kdns-gateway\s+host conflict\.example\.com path \/c is not served by this HTTPRoute: HTTPRoute infra\/conflict-a is older and serves it/,
  );
  const winner = ok(await c.kubectl(["describe", "httproute", "conflict-a", "-n", "infra"]), "describe winner");
  assert.doesNotMatch(winner, /Warning\s+Conflict/);
  ok(await c.kubectl(["delete", "httproute", "conflict-a", "conflict-b", "-n", "infra"]), "delete conflicting");
});

test("DNS: a route without hostnames answers its listener's hostname; through a listener without one, no name", async () => {
  const routes = `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: internal-portal
  namespace: infra
spec:
  parentRefs:
  - name: prod-web
    sectionName: same-only
  rules:
  - matches:
    - path: {type: PathPrefix, value: /portal}
    backendRefs: [{name: foo-svc, port: 8080}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: every-host
  namespace: infra
spec:
  parentRefs:
  - name: prod-web
    sectionName: http
  rules:
  - matches:
    - path: {type: PathPrefix, value: /every}
    backendRefs: [{name: foo-svc, port: 8080}]
`;
  ok(await c.kubectl(["apply", "-f", "-"], { stdin: routes }), "apply routes without hostnames");
  await reasons("infra", "internal-portal", "Accepted=True/Accepted ResolvedRefs=True/ResolvedRefs");
  await reasons("infra", "every-host", "Accepted=True/Accepted ResolvedRefs=True/ResolvedRefs");
  // Listener same-only's hostname is *.internal.example: every name under it answers.
  await answersGatewayAddress("api.eu.internal.example");
  // (A path of its own: route missing-backend, older and without hostnames too, holds `/` there.)
  assert.equal((await curl("api.eu.internal.example", "/portal")).status, 200, "and the gateway serves it");
  // Listener http has no hostname: the route serves every host, and DNS claims none of them.
  assert.equal((await curl("anything.example.net", "/every")).status, 200);
  const none = await dig("127.0.0.1", c.dnsPort, ["anything.example.net", "A"]);
  assert.deepEqual(none.answer, [], `no name for a catch-all route: ${none.raw}`);
  ok(await c.kubectl(["delete", "httproute", "internal-portal", "every-host", "-n", "infra"]), "delete");
});

test("hostile or invalid values are refused with 422 and a field path", async () => {
  const route = (spec: string) => `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: hostile
  namespace: infra
spec:
  parentRefs:
  - name: prod-web
${spec}`;
  const cases: [string, RegExp][] = [
    ['  hostnames: ["a.com;}"]', /spec\.hostnames\[0\]: Invalid value: "a\.com;}"/],
    [
      "  rules:\n  - matches:\n    - path: {type: PathPrefix, value: '/x;} location /y {'}\n    backendRefs: [{name: foo-svc, port: 8080}]",
      /spec\.rules\[0\]\.matches\[0\]\.path\.value/,
    ],
    ["  rules:\n  - backendRefs: [{name: foo-svc, port: 8080, weight: 2000000}]", /weight.*between 0 and 1000000/],
    [
      '  rules:\n  - filters:\n    - type: RequestHeaderModifier\n      requestHeaderModifier: {set: [{name: X-A, value: "a\\r\\nX-Injected: 1"}]}\n    backendRefs: [{name: foo-svc, port: 8080}]',
      /requestHeaderModifier\.set\[0\]\.value/,
    ],
    [
      "  rules:\n  - filters:\n    - type: RequestRedirect\n      requestRedirect: {scheme: https}\n    backendRefs: [{name: foo-svc, port: 8080}]",
      /RequestRedirect filter must not be used together with backendRefs/,
    ],
  ];
  for (const [spec, message] of cases) {
    const r = await c.kubectl(["apply", "-f", "-"], { stdin: route(spec) });
    assert.notEqual(r.code, 0, `should be refused: ${spec}`);
    assert.match(r.stderr, /is invalid/, r.stderr);
    assert.match(r.stderr, message, r.stderr);
  }
  const gw = await c.kubectl(["apply", "-f", "-"], {
    stdin:
      "apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: {name: bad, namespace: infra}\nspec:\n  gatewayClassName: kdns\n  listeners:\n  - {name: web, protocol: HTTP, port: 80, tls: {certificateRefs: [{name: c}]}}\n",
  });
  assert.notEqual(gw.code, 0);
  assert.match(gw.stderr, /tls must not be specified for protocols/);
});

test("kubectl apply -f examples/gateway-api: every route is accepted and resolves; the HTTPS listener waits for its Secret", async () => {
  const dir = resolve(import.meta.dirname, "../../examples/gateway-api");
  ok(await c.kubectl(["apply", "-f", dir]), "apply examples");
  for (const [ns, name] of [
    ["default", "foo-route"],
    ["default", "bar-route"],
    ["default", "simple-split"],
    ["default", "http-to-https"],
    ["default", "rewrite"],
    ["store", "store"],
  ] as const)
    await reasons(ns, name, "Accepted=True/Accepted ResolvedRefs=True/ResolvedRefs");
  const gw = JSON.parse(ok(await c.kubectl(["get", "gateway", "example-gateway", "-o", "json"]), "gw")) as {
    status: { listeners: { name: string; conditions: Cond[] }[] };
  };
  const https = gw.status.listeners.find((l) => l.name === "https");
  assert.equal(https?.conditions.find((x) => x.type === "ResolvedRefs")?.reason, "InvalidCertificateRef");
  const routes = ok(await c.kubectl(["get", "httproute", "-n", "default"]), "get routes");
  assert.match(routes, /\nsimple-split\s+\["split\.example\.com"\]\s+/);
});
