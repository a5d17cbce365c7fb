/**
 * Gateway API conformance scenarios, after the upstream suite's core and extended HTTPRoute tests
 * (conformance/tests/httproute-*.go), served by both engines and requested with real curl. Each
 * scenario's objects (the upstream infrastructure: GatewayClass, the `same-namespace`,
 * `all-namespaces` and `backend-namespaces` Gateways, the infra/app/web backend Services, plus the
 * scenario's HTTPRoutes and ReferenceGrants) go through the gateway's own path: attachment
 * (attach.ts), translation (translate.ts) and the route table builder, then `engine.apply`. The
 * README lists the scenarios; the weighted split checks 1,000 requests land within ±5 points.
 */
import assert from "node:assert/strict";
import { execFile, spawnSync } from "node:child_process";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import { defaultGateway, defaultHTTPRoute } from "../../src/api/defaults/gateway-api.ts";
import type { Gateway, GatewayClass, HTTPRoute, ReferenceGrant } from "../../src/api/gateway-api-types.ts";
import type { Endpoints, KubeObject, Service } from "../../src/api/types.ts";
import { validateHTTPRoute } from "../../src/api/validation/http-route.ts";
import { attachRoutes } from "../../src/gateway/gateway-api/attach.ts";
import { httpRouteSources } from "../../src/gateway/gateway-api/translate.ts";
import { buildRouteTable } from "../../src/gateway/routes/build.ts";
import { parseTlsSecret } from "../../src/gateway/tls/certificate.ts";
import { startTestEngine, type TestEngine } from "../support/gateway-engine.ts";
import { startTestCa, type TestCa, tlsSecret } from "../support/test-pki.ts";
import { presentedSerial, curl as tlsCurl } from "../support/tls-clients.ts";
import { type Echo, startEcho } from "./gateway-harness.ts";

const run = promisify(execFile);
const INFRA = "gateway-conformance-infra";
const APP = "gateway-conformance-app-backend";
const WEB = "gateway-conformance-web-backend";
const BACKENDS: [string, string][] = [
  [INFRA, "infra-backend-v1"],
  [INFRA, "infra-backend-v2"],
  [INFRA, "infra-backend-v3"],
  [APP, "app-backend-v1"],
  [APP, "app-backend-v2"],
  [WEB, "web-backend"],
];
const NAMESPACE_LABELS: Record<string, Record<string, string>> = {
  [INFRA]: { "gateway-conformance": "infra" },
  [APP]: { "gateway-conformance": "backend" },
  [WEB]: { "gateway-conformance": "backend" },
};

function meta(namespace: string | undefined, name: string): KubeObject["metadata"] {
  return { name, ...(namespace ? { namespace } : {}), generation: 1, creationTimestamp: "2026-01-01T00:00:00Z" };
}

const CLASS: GatewayClass = {
  apiVersion: "gateway.networking.k8s.io/v1",
  kind: "GatewayClass",
  metadata: meta(undefined, "kdns"),
  spec: { controllerName: "kdns.dev/gateway" },
};

function gateway(name: string, allowed: Record<string, unknown>, listeners?: unknown[]): Gateway {
  const gw = {
    apiVersion: "gateway.networking.k8s.io/v1",
    kind: "Gateway",
    metadata: meta(INFRA, name),
    spec: {
      gatewayClassName: "kdns",
      listeners: listeners ?? [{ name: "http", port: 80, protocol: "HTTP", allowedRoutes: allowed }],
    },
  } as Gateway;
  defaultGateway(gw);
  return gw;
}

/** A Gateway whose HTTP listeners each serve one hostname. */
function hostnameGateway(name: string, hostnames: string[]): Gateway {
  return gateway(
    name,
    {},
    hostnames.map((hostname, i) => ({ name: `listener-${i + 1}`, port: 80, protocol: "HTTP", hostname })),
  );
}

const GATEWAYS = [
  gateway("same-namespace", { namespaces: { from: "Same" } }),
  gateway("all-namespaces", { namespaces: { from: "All" } }),
  gateway("backend-namespaces", {
    namespaces: { from: "Selector", selector: { matchLabels: { "gateway-conformance": "backend" } } },
  }),
];

/** An HTTPRoute as the upstream manifests write it, defaulted and checked as the API server would. */
function route(namespace: string, name: string, spec: Record<string, unknown>): HTTPRoute {
  const r = {
    apiVersion: "gateway.networking.k8s.io/v1",
    kind: "HTTPRoute",
    metadata: meta(namespace, name),
    spec,
  } as KubeObject;
  defaultHTTPRoute(r);
  assert.deepEqual(validateHTTPRoute(r), [], `${namespace}/${name} must pass validation`);
  return r as HTTPRoute;
}

const to = (name: string, extra: Record<string, unknown> = {}) => ({ name, port: 8080, ...extra });
const same = [{ name: "same-namespace" }];
const prefix = (value: string) => ({ path: { type: "PathPrefix", value } });
const exactPath = (value: string) => ({ path: { type: "Exact", value } });
const header = (name: string, value: string) => ({ name, value });
const redirect = (path: string, requestRedirect: Record<string, unknown>) => ({
  matches: [prefix(path)],
  filters: [{ type: "RequestRedirect", requestRedirect }],
});

/** One request and what must come back. */
interface Check {
  path: string;
  method?: string;
  host?: string;
  headers?: Record<string, string>;
  /** The backend that must answer (200). */
  backend?: string;
  /** The path (and query) the backend must see. */
  backendPath?: string;
  backendHost?: string;
  /** Headers the backend must see (lower-case names), and must not. */
  backendHeaders?: Record<string, string>;
  absentBackendHeaders?: string[];
  status?: number;
  /** Redirect target parts (scheme, host, port, path) that must hold. */
  location?: { scheme?: string; host?: string; port?: string; path?: string };
  responseHeaders?: Record<string, string>;
  absentResponseHeaders?: string[];
}

interface Scenario {
  name: string;
  /** Gateways of this scenario besides the shared ones. */
  gateways?: Gateway[];
  routes: HTTPRoute[];
  grants?: ReferenceGrant[];
  checks: Check[];
}

const grant = (namespace: string, fromNs: string, toName?: string): ReferenceGrant => ({
  apiVersion: "gateway.networking.k8s.io/v1",
  kind: "ReferenceGrant",
  metadata: meta(namespace, `from-${fromNs}`),
  spec: {
    from: [{ group: "gateway.networking.k8s.io", kind: "HTTPRoute", namespace: fromNs }],
    to: [{ group: "", kind: "Service", ...(toName !== undefined ? { name: toName } : {}) }],
  },
});

const V1 = "infra-backend-v1";
const V2 = "infra-backend-v2";
const V3 = "infra-backend-v3";

/** The scenarios, named after the upstream tests they follow. */
export const SCENARIOS: Scenario[] = [
  {
    name: "HTTPRouteSimpleSameNamespace",
    routes: [route(INFRA, "gateway-conformance-infra-test", { parentRefs: same, rules: [{ backendRefs: [to(V1)] }] })],
    checks: [{ path: "/", backend: V1 }],
  },
  {
    name: "HTTPRouteMatching",
    routes: [
      route(INFRA, "matching", {
        parentRefs: same,
        rules: [
          { matches: [prefix("/"), { headers: [header("version", "one")] }], backendRefs: [to(V1)] },
          { matches: [prefix("/v2"), { headers: [header("version", "two")] }], backendRefs: [to(V2)] },
        ],
      }),
    ],
    checks: [
      { path: "/", backend: V1 },
      { path: "/example", backend: V1 },
      { path: "/", headers: { Version: "one" }, backend: V1 },
      { path: "/v2", backend: V2 },
      { path: "/v2/example", backend: V2 },
      { path: "/", headers: { Version: "two" }, backend: V2 },
      { path: "/v2/", backend: V2 },
      { path: "/v2example", backend: V1 },
      { path: "/foo/v2/example", backend: V1 },
    ],
  },
  {
    name: "HTTPRouteExactPathMatching",
    routes: [
      route(INFRA, "exact-matching", {
        parentRefs: same,
        rules: [
          { matches: [exactPath("/one")], backendRefs: [to(V1)] },
          { matches: [exactPath("/two")], backendRefs: [to(V2)] },
        ],
      }),
    ],
    checks: [
      { path: "/one", backend: V1 },
      { path: "/two", backend: V2 },
      { path: "/", status: 404 },
      { path: "/one/example", status: 404 },
      { path: "/two/", status: 404 },
      { path: "/Two", status: 404 },
    ],
  },
  {
    name: "HTTPRouteHeaderMatching",
    routes: [
      route(INFRA, "header-matching", {
        parentRefs: same,
        rules: [
          { matches: [{ headers: [header("version", "one")] }], backendRefs: [to(V1)] },
          { matches: [{ headers: [header("version", "two")] }], backendRefs: [to(V2)] },
          { matches: [{ headers: [header("version", "two"), header("color", "orange")] }], backendRefs: [to(V1)] },
          {
            matches: [{ headers: [header("color", "blue")] }, { headers: [header("color", "green")] }],
            backendRefs: [to(V1)],
          },
          {
            matches: [{ headers: [header("color", "red")] }, { headers: [header("color", "yellow")] }],
            backendRefs: [to(V2)],
          },
        ],
      }),
    ],
    checks: [
      { path: "/", headers: { Version: "one" }, backend: V1 },
      { path: "/", headers: { Version: "two" }, backend: V2 },
      { path: "/", headers: { Version: "two", Color: "orange" }, backend: V1 },
      { path: "/", headers: { Version: "two", Color: "blue" }, backend: V2 },
      { path: "/", headers: { Color: "orange" }, status: 404 },
      { path: "/", headers: { "Some-Other-Header": "one" }, status: 404 },
      { path: "/", headers: { Color: "blue" }, backend: V1 },
      { path: "/", headers: { Color: "green" }, backend: V1 },
      { path: "/", headers: { Color: "red" }, backend: V2 },
      { path: "/", headers: { Color: "yellow" }, backend: V2 },
      { path: "/", headers: { Color: "purple" }, status: 404 },
    ],
  },
  {
    name: "HTTPRouteQueryParamMatching",
    routes: [
      route(INFRA, "query-param-matching", {
        parentRefs: same,
        rules: [
          { matches: [{ queryParams: [header("animal", "whale")] }], backendRefs: [to(V1)] },
          { matches: [{ queryParams: [header("animal", "dolphin")] }], backendRefs: [to(V2)] },
          {
            matches: [
              { queryParams: [header("animal", "dolphin"), header("color", "blue")] },
              { queryParams: [header("ANIMAL", "Whale")] },
            ],
            backendRefs: [to(V3)],
          },
          { matches: [{ ...prefix("/path1"), queryParams: [header("animal", "whale")] }], backendRefs: [to(V1)] },
          {
            matches: [{ headers: [header("version", "one")], queryParams: [header("animal", "whale")] }],
            backendRefs: [to(V2)],
          },
          {
            matches: [
              { ...prefix("/path2"), headers: [header("version", "two")], queryParams: [header("animal", "whale")] },
            ],
            backendRefs: [to(V3)],
          },
          {
            matches: [
              { ...prefix("/path3"), queryParams: [header("animal", "shark")] },
              { ...prefix("/path4"), headers: [header("version", "three")], queryParams: [header("animal", "kraken")] },
            ],
            backendRefs: [to(V1)],
          },
          { matches: [prefix("/path5")], backendRefs: [to(V1)] },
          { matches: [{ queryParams: [header("animal", "hydra")] }], backendRefs: [to(V2)] },
          { matches: [{ headers: [header("version", "four")] }], backendRefs: [to(V3)] },
        ],
      }),
    ],
    checks: [
      { path: "/?animal=whale", backend: V1 },
      { path: "/?animal=dolphin", backend: V2 },
      { path: "/?animal=dolphin&color=blue", backend: V3 },
      { path: "/?ANIMAL=Whale", backend: V3 },
      { path: "/?animal=whale&otherparam=irrelevant", backend: V1 },
      { path: "/?animal=dolphin&color=yellow", backend: V2 },
      { path: "/?color=blue", status: 404 },
      { path: "/?animal=dog", status: 404 },
      { path: "/?animal=whaledolphin", status: 404 },
      { path: "/", status: 404 },
      { path: "/path1?animal=whale", backend: V1 },
      { path: "/?animal=whale", headers: { version: "one" }, backend: V2 },
      { path: "/path2?animal=whale", headers: { version: "two" }, backend: V3 },
      { path: "/path3?animal=shark", backend: V1 },
      { path: "/path4?animal=kraken", headers: { version: "three" }, backend: V1 },
      { path: "/?animal=shark", status: 404 },
      { path: "/path4?animal=kraken", status: 404 },
      { path: "/path5?animal=hydra", backend: V1 },
      { path: "/?animal=hydra", headers: { version: "four" }, backend: V3 },
    ],
  },
  {
    name: "HTTPRouteMethodMatching",
    routes: [
      route(INFRA, "method-matching", {
        parentRefs: same,
        rules: [
          { matches: [{ method: "POST" }], backendRefs: [to(V1)] },
          { matches: [{ method: "GET" }], backendRefs: [to(V2)] },
          { matches: [{ ...prefix("/path1"), method: "GET" }], backendRefs: [to(V1)] },
          { matches: [{ headers: [header("version", "one")], method: "PUT" }], backendRefs: [to(V2)] },
          {
            matches: [{ ...prefix("/path2"), headers: [header("version", "two")], method: "POST" }],
            backendRefs: [to(V3)],
          },
          {
            matches: [
              { ...prefix("/path3"), method: "PATCH" },
              { ...prefix("/path4"), headers: [header("version", "three")], method: "DELETE" },
            ],
            backendRefs: [to(V1)],
          },
          { matches: [prefix("/path5")], backendRefs: [to(V1)] },
          { matches: [{ method: "PATCH" }], backendRefs: [to(V2)] },
          { matches: [{ headers: [header("version", "four")] }], backendRefs: [to(V3)] },
        ],
      }),
    ],
    checks: [
      { path: "/", method: "POST", backend: V1 },
      { path: "/", method: "GET", backend: V2 },
      { path: "/", method: "HEAD", status: 404 },
      { path: "/path1", method: "GET", backend: V1 },
      { path: "/", method: "PUT", headers: { version: "one" }, backend: V2 },
      { path: "/path2", method: "POST", headers: { version: "two" }, backend: V3 },
      { path: "/path3", method: "PATCH", backend: V1 },
      { path: "/path4", method: "DELETE", headers: { version: "three" }, backend: V1 },
      { path: "/", method: "PUT", status: 404 },
      { path: "/path4", method: "DELETE", status: 404 },
      { path: "/path5", method: "PATCH", backend: V1 },
      { path: "/", method: "PATCH", headers: { version: "four" }, backend: V2 },
    ],
  },
  {
    name: "HTTPRouteRewritePath",
    routes: [
      route(INFRA, "rewrite-path", {
        parentRefs: same,
        rules: [
          ["/prefix/one", { type: "ReplacePrefixMatch", replacePrefixMatch: "/one" }],
          ["/strip-prefix", { type: "ReplacePrefixMatch", replacePrefixMatch: "/" }],
          ["/full/one", { type: "ReplaceFullPath", replaceFullPath: "/one" }],
        ].map(([p, path]) => ({
          matches: [prefix(p as string)],
          filters: [{ type: "URLRewrite", urlRewrite: { path } }],
          backendRefs: [to(V1)],
        })),
      }),
    ],
    checks: [
      { path: "/prefix/one/two", backend: V1, backendPath: "/one/two" },
      { path: "/strip-prefix/three", backend: V1, backendPath: "/three" },
      { path: "/strip-prefix", backend: V1, backendPath: "/" },
      { path: "/full/one/two", backend: V1, backendPath: "/one" },
      { path: "/full/one", backend: V1, backendPath: "/one" },
      { path: "/prefix/one/two?x=1", backend: V1, backendPath: "/one/two?x=1" },
    ],
  },
  {
    name: "HTTPRouteRewriteHost",
    routes: [
      route(INFRA, "rewrite-host", {
        parentRefs: same,
        hostnames: ["rewrite.example"],
        rules: [
          {
            matches: [prefix("/one")],
            filters: [{ type: "URLRewrite", urlRewrite: { hostname: "one.example.org" } }],
            backendRefs: [to(V1)],
          },
          { filters: [{ type: "URLRewrite", urlRewrite: { hostname: "example.org" } }], backendRefs: [to(V2)] },
        ],
      }),
    ],
    checks: [
      { path: "/one", host: "rewrite.example", backend: V1, backendHost: "one.example.org" },
      { path: "/two", host: "rewrite.example", backend: V2, backendHost: "example.org" },
    ],
  },
  {
    name: "HTTPRouteRequestHeaderModifier",
    routes: [
      route(INFRA, "request-header-modifier", {
        parentRefs: same,
        rules: [
          ["/set", { set: [header("X-Header-Set", "set-overwrites-values")] }],
          ["/add", { add: [header("X-Header-Add", "add-appends-values")] }],
          ["/remove", { remove: ["X-Header-Remove"] }],
        ].map(([p, requestHeaderModifier]) => ({
          matches: [prefix(p as string)],
          filters: [{ type: "RequestHeaderModifier", requestHeaderModifier }],
          backendRefs: [to(V1)],
        })),
      }),
    ],
    checks: [
      { path: "/set", backend: V1, backendHeaders: { "x-header-set": "set-overwrites-values" } },
      {
        path: "/set",
        headers: { "Some-Other-Header": "val", "X-Header-Set": "some-other-value" },
        backend: V1,
        backendHeaders: { "x-header-set": "set-overwrites-values", "some-other-header": "val" },
      },
      { path: "/add", backend: V1, backendHeaders: { "x-header-add": "add-appends-values" } },
      {
        path: "/add",
        headers: { "X-Header-Add": "some-other-value" },
        backend: V1,
        backendHeaders: { "x-header-add": "some-other-value,add-appends-values" },
      },
      {
        path: "/remove",
        headers: { "X-Header-Remove": "val" },
        backend: V1,
        absentBackendHeaders: ["x-header-remove"],
      },
    ],
  },
  {
    name: "HTTPRouteResponseHeaderModifier",
    routes: [
      route(INFRA, "response-header-modifier", {
        parentRefs: same,
        rules: [
          {
            matches: [prefix("/multiple")],
            filters: [
              {
                type: "ResponseHeaderModifier",
                responseHeaderModifier: {
                  set: [header("X-Header-Set", "header-set")],
                  add: [header("X-Header-Add", "header-add")],
                  remove: ["X-Backend"],
                },
              },
            ],
            backendRefs: [to(V1)],
          },
        ],
      }),
    ],
    checks: [
      {
        path: "/multiple",
        status: 200,
        responseHeaders: { "x-header-set": "header-set", "x-header-add": "header-add" },
        absentResponseHeaders: ["x-backend"],
      },
    ],
  },
  {
    name: "HTTPRouteRedirectHostAndStatus",
    routes: [
      route(INFRA, "redirect-host-and-status", {
        parentRefs: same,
        rules: [
          redirect("/hostname-redirect", { hostname: "example.org" }),
          redirect("/host-and-status", { statusCode: 301, hostname: "example.org" }),
        ],
      }),
    ],
    checks: [
      { path: "/hostname-redirect", status: 302, location: { host: "example.org", path: "/hostname-redirect" } },
      { path: "/host-and-status", status: 301, location: { host: "example.org", path: "/host-and-status" } },
    ],
  },
  {
    name: "HTTPRouteRedirectScheme",
    routes: [
      route(INFRA, "redirect-scheme", {
        parentRefs: same,
        rules: [
          redirect("/scheme", { scheme: "https" }),
          redirect("/scheme-and-host", { hostname: "example.org", scheme: "https" }),
          redirect("/scheme-and-status", { scheme: "https", statusCode: 301 }),
        ],
      }),
    ],
    checks: [
      { path: "/scheme", status: 302, location: { scheme: "https:", path: "/scheme", port: "" } },
      {
        path: "/scheme-and-host",
        status: 302,
        location: { scheme: "https:", host: "example.org", path: "/scheme-and-host" },
      },
      { path: "/scheme-and-status", status: 301, location: { scheme: "https:", path: "/scheme-and-status" } },
    ],
  },
  {
    name: "HTTPRouteRedirectPath",
    routes: [
      route(INFRA, "redirect-path", {
        parentRefs: same,
        rules: [
          redirect("/original-prefix", {
            path: { type: "ReplacePrefixMatch", replacePrefixMatch: "/replacement-prefix" },
          }),
          redirect("/full", { path: { type: "ReplaceFullPath", replaceFullPath: "/full-path-replacement" } }),
          redirect("/path-and-host", {
            hostname: "example.org",
            path: { type: "ReplacePrefixMatch", replacePrefixMatch: "/replacement-prefix" },
          }),
          redirect("/full-path-and-status", {
            path: { type: "ReplaceFullPath", replaceFullPath: "/replacement-full" },
            statusCode: 301,
          }),
        ],
      }),
    ],
    checks: [
      { path: "/original-prefix/lemon", status: 302, location: { path: "/replacement-prefix/lemon" } },
      { path: "/full/path/original", status: 302, location: { path: "/full-path-replacement" } },
      { path: "/path-and-host", status: 302, location: { host: "example.org", path: "/replacement-prefix" } },
      { path: "/full-path-and-status", status: 301, location: { path: "/replacement-full" } },
    ],
  },
  {
    name: "HTTPRouteRedirectPort",
    routes: [
      route(INFRA, "redirect-port", {
        parentRefs: same,
        rules: [redirect("/port", { port: 8083 }), redirect("/port-and-host", { hostname: "example.org", port: 8083 })],
      }),
    ],
    checks: [
      { path: "/port", status: 302, location: { port: "8083", path: "/port" } },
      { path: "/port-and-host", status: 302, location: { host: "example.org", port: "8083", path: "/port-and-host" } },
    ],
  },
  {
    name: "HTTPRouteRedirectPortAndScheme",
    routes: [
      route(INFRA, "redirect-port-and-scheme", {
        parentRefs: same,
        rules: [
          redirect("/scheme-nil-and-port-nil", {}),
          redirect("/scheme-https-and-port-nil", { scheme: "https" }),
          redirect("/scheme-https-and-port-8443", { scheme: "https", port: 8443 }),
          redirect("/scheme-http-and-port-8080", { scheme: "http", port: 8080 }),
        ],
      }),
    ],
    checks: [
      { path: "/scheme-https-and-port-nil", status: 302, location: { scheme: "https:", port: "" } },
      { path: "/scheme-https-and-port-8443", status: 302, location: { scheme: "https:", port: "8443" } },
      { path: "/scheme-http-and-port-8080", status: 302, location: { scheme: "http:", port: "8080" } },
    ],
  },
  {
    name: "HTTPRouteCrossNamespace",
    routes: [
      route(WEB, "cross-namespace", {
        parentRefs: [{ name: "backend-namespaces", namespace: INFRA }],
        rules: [{ backendRefs: [{ name: "web-backend", port: 8080 }] }],
      }),
    ],
    checks: [{ path: "/", backend: "web-backend" }],
  },
  {
    name: "HTTPRouteReferenceGrant",
    routes: [
      route(INFRA, "reference-grant", {
        parentRefs: same,
        rules: [{ backendRefs: [{ name: "app-backend-v1", namespace: APP, port: 8080 }] }],
      }),
    ],
    grants: [grant(APP, INFRA, "app-backend-v1")],
    checks: [{ path: "/", backend: "app-backend-v1" }],
  },
  {
    name: "HTTPRouteInvalidReferenceGrant",
    routes: [
      route(INFRA, "invalid-reference-grant", {
        parentRefs: same,
        rules: [{ backendRefs: [{ name: "app-backend-v1", namespace: APP, port: 8080 }] }],
      }),
    ],
    grants: [grant(APP, INFRA, "not-app-backend-v1")],
    checks: [{ path: "/", status: 500 }],
  },
  {
    name: "HTTPRouteInvalidNonExistentBackendRef",
    routes: [
      route(INFRA, "invalid-nonexistent-backend-ref", {
        parentRefs: same,
        rules: [{ backendRefs: [to("nonexistent-backend")] }],
      }),
    ],
    checks: [{ path: "/", status: 500 }],
  },
  {
    name: "HTTPRouteInvalidCrossNamespaceParentRef",
    routes: [
      route(WEB, "invalid-cross-namespace-parent-ref", {
        parentRefs: [{ name: "same-namespace", namespace: INFRA }],
        rules: [{ backendRefs: [{ name: "web-backend", port: 8080 }] }],
      }),
    ],
    checks: [{ path: "/", status: 404 }],
  },
  {
    name: "HTTPRoutePathMatchOrder",
    routes: [
      route(INFRA, "path-matching-order", {
        parentRefs: same,
        rules: [
          { matches: [prefix("/match")], backendRefs: [to(V1)] },
          { matches: [exactPath("/match/exact")], backendRefs: [to(V2)] },
          { matches: [prefix("/match/prefix/one")], backendRefs: [to(V3)] },
          { matches: [{ ...prefix("/match"), headers: [header("x-match", "header")] }], backendRefs: [to(V2)] },
        ],
      }),
    ],
    checks: [
      { path: "/match/exact", backend: V2 },
      { path: "/match/prefix/one/two", backend: V3 },
      { path: "/match/other", headers: { "x-match": "header" }, backend: V2 },
      { path: "/match/other", backend: V1 },
    ],
  },
  {
    name: "HTTPRouteListenerHostnameMatching",
    gateways: [
      hostnameGateway("httproute-listener-hostname-matching", ["bar.com", "foo.bar.com", "*.bar.com", "*.foo.com"]),
    ],
    routes: [
      ["backend-v1", V1, ["listener-1"]],
      ["backend-v2", V2, ["listener-2"]],
      ["backend-v3", V3, ["listener-3", "listener-4"]],
    ].map(([name, backend, sections]) =>
      route(INFRA, name as string, {
        parentRefs: (sections as string[]).map((sectionName) => ({
          name: "httproute-listener-hostname-matching",
          sectionName,
        })),
        rules: [{ backendRefs: [to(backend as string)] }],
      }),
    ),
    checks: [
      { path: "/", host: "bar.com", backend: V1 },
      { path: "/", host: "foo.bar.com", backend: V2 },
      { path: "/", host: "baz.bar.com", backend: V3 },
      { path: "/", host: "boo.bar.com", backend: V3 },
      { path: "/", host: "multiple.prefixes.bar.com", backend: V3 },
      { path: "/", host: "multiple.prefixes.foo.com", backend: V3 },
      { path: "/", host: "foo.com", status: 404 },
      { path: "/", host: "no.matching.host", status: 404 },
    ],
  },
  {
    name: "HTTPRouteHostnameIntersection",
    gateways: [
      hostnameGateway("httproute-hostname-intersection", [
        "very.specific.com",
        "*.wildcard.io",
        "*.anotherwildcard.io",
      ]),
    ],
    routes: [
      [
        "specific-host-matches-listener-specific-host",
        ["non.matching.com", "*.nonmatchingwildcard.io", "very.specific.com"],
        "/s1",
        V1,
      ],
      [
        "specific-host-matches-listener-wildcard-host",
        ["non.matching.com", "wildcard.io", "foo.wildcard.io", "bar.wildcard.io", "foo.bar.wildcard.io"],
        "/s2",
        V2,
      ],
      ["wildcard-host-matches-listener-specific-host", ["non.matching.com", "*.specific.com"], "/s3", V3],
      ["wildcard-host-matches-listener-wildcard-host", ["*.anotherwildcard.io"], "/s4", V1],
    ].map(([name, hostnames, path, backend]) =>
      route(INFRA, name as string, {
        parentRefs: [{ name: "httproute-hostname-intersection" }],
        hostnames,
        rules: [{ matches: [prefix(path as string)], backendRefs: [to(backend as string)] }],
      }),
    ),
    checks: [
      { path: "/s1", host: "very.specific.com", backend: V1 },
      { path: "/s1", host: "non.matching.com", status: 404 },
      { path: "/s1", host: "foo.nonmatchingwildcard.io", status: 404 },
      { path: "/s2", host: "foo.wildcard.io", backend: V2 },
      { path: "/s2", host: "bar.wildcard.io", backend: V2 },
      { path: "/s2", host: "foo.bar.wildcard.io", backend: V2 },
      { path: "/s2", host: "wildcard.io", status: 404 },
      { path: "/s2", host: "baz.wildcard.io", status: 404 },
      { path: "/s3", host: "very.specific.com", backend: V3 },
      { path: "/s3", host: "anotherhost.specific.com", status: 404 },
      { path: "/s4", host: "foo.anotherwildcard.io", backend: V1 },
      { path: "/s4", host: "foo.bar.anotherwildcard.io", backend: V1 },
      { path: "/s4", host: "anotherwildcard.io", status: 404 },
    ],
  },
  {
    name: "HTTPRouteNoBackendRefs",
    routes: [route(INFRA, "no-backends", { parentRefs: same, rules: [{ matches: [prefix("/")] }] })],
    checks: [{ path: "/", status: 500 }],
  },
];

/** One request with curl: the status, the response headers (lower case) and the body. */
async function curl(
  gw: TestEngine,
  c: Pick<Check, "path" | "method" | "host" | "headers">,
): Promise<{ status: number; headers: Record<string, string>; body: string }> {
  const args = ["-sS", "-i", "--max-time", "10", "-H", `Host: ${c.host ?? "gateway.example"}`];
  for (const [k, v] of Object.entries(c.headers ?? {})) args.push("-H", `${k}: ${v}`);
  if (c.method === "HEAD") args.push("-I");
  else if (c.method) args.push("-X", c.method);
  args.push(`http://${gw.host}:${gw.port}${c.path}`);
  const { stdout } = await run("curl", args, { encoding: "utf8" });
  const end = stdout.indexOf("\r\n\r\n");
  const head = (end < 0 ? stdout : stdout.slice(0, end)).split("\r\n");
  const status = Number(head[0]?.split(" ")[1]);
  const headers: Record<string, string> = {};
  for (const line of head.slice(1)) {
    const colon = line.indexOf(":");
    headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { status, headers, body: end < 0 ? "" : stdout.slice(end + 4) };
}

function services(ports: Map<string, number>): { services: Service[]; endpoints: Endpoints[] } {
  const out = { services: [] as Service[], endpoints: [] as Endpoints[] };
  for (const [ns, name] of BACKENDS) {
    out.services.push({
      apiVersion: "v1",
      kind: "Service",
      metadata: meta(ns, name),
      spec: { ports: [{ port: 8080 }] },
    });
    out.endpoints.push({
      apiVersion: "v1",
      kind: "Endpoints",
      metadata: meta(ns, name),
      subsets: [{ addresses: [{ ip: "127.0.0.1" }], ports: [{ port: ports.get(name) ?? 0 }] }],
    });
  }
  return out;
}

async function check(gw: TestEngine, c: Check): Promise<void> {
  const what = `${c.method ?? "GET"} ${c.host ?? ""}${c.path} ${JSON.stringify(c.headers ?? {})}`;
  const r = await curl(gw, c);
  assert.equal(r.status, c.status ?? 200, `${what}: ${r.body}`);
  if (
    c.backend !== undefined ||
    c.backendPath !== undefined ||
    c.backendHeaders ||
    c.absentBackendHeaders ||
    c.backendHost
  ) {
    const echo = JSON.parse(r.body) as Echo;
    if (c.backend !== undefined) assert.equal(echo.name, c.backend, what);
    if (c.backendPath !== undefined) assert.equal(echo.url, c.backendPath, what);
    if (c.backendHost !== undefined) assert.equal(echo.headers.host, c.backendHost, what);
    for (const [k, v] of Object.entries(c.backendHeaders ?? {})) assert.equal(echo.headers[k], v, `${what}: ${k}`);
    for (const k of c.absentBackendHeaders ?? []) assert.equal(echo.headers[k], undefined, `${what}: ${k}`);
  }
  for (const [k, v] of Object.entries(c.responseHeaders ?? {})) assert.equal(r.headers[k], v, `${what}: ${k}`);
  for (const k of c.absentResponseHeaders ?? []) assert.equal(r.headers[k], undefined, `${what}: ${k}`);
  if (c.location) {
    const loc = new URL(r.headers["location"] ?? "", "http://relative.invalid");
    if (c.location.scheme !== undefined) assert.equal(loc.protocol, c.location.scheme, `${what}: ${loc.href}`);
    if (c.location.host !== undefined) assert.equal(loc.hostname, c.location.host, `${what}: ${loc.href}`);
    if (c.location.port !== undefined) assert.equal(loc.port, c.location.port, `${what}: ${loc.href}`);
    if (c.location.path !== undefined) assert.equal(loc.pathname, c.location.path, `${what}: ${loc.href}`);
  }
}

const curlMissing = spawnSync("curl", ["--version"]).error !== undefined;

for (const kind of ["builtin", "nginx"] as const) {
  describe(`Gateway API conformance: ${kind}`, () => {
    let gw: TestEngine;
    const echos: { close(): Promise<void> }[] = [];
    const ports = new Map<string, number>();

    before(async () => {
      assert.ok(
        !curlMissing,
        "curl is not installed: install it with apt-get install -y curl (or bash scripts/setup.sh --test-tools)",
      );
      for (const [, name] of BACKENDS) {
        const e = await startEcho(name);
        echos.push(e);
        ports.set(name, e.port);
      }
      gw = await startTestEngine(kind, { hosts: [], outcomes: [] });
    });
    after(async () => {
      await gw?.close();
      for (const e of echos) await e.close();
    });

    /** One curl sending 1,000 requests to /weight (a URL range), `writeOut` after each; its output. */
    async function thousandRequests(writeOut: string): Promise<string> {
      const url = `http://${gw.host}:${gw.port}/weight?n=[1-1000]`;
      const args = ["-sS", "--max-time", "120", "-H", "Host: gateway.example", "-w", writeOut, url];
      return (await run("curl", args, { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 })).stdout;
    }

    /** Serves one scenario's objects through attachment, translation and the builder. */
    async function serve(s: Scenario): Promise<void> {
      const { services: svcs, endpoints } = services(ports);
      const attachments = attachRoutes({
        classes: [CLASS],
        gateways: [...GATEWAYS, ...(s.gateways ?? [])],
        routes: s.routes,
        grants: s.grants ?? [],
        namespaceLabels: (ns) => NAMESPACE_LABELS[ns],
        serviceExists: (ns, name) => BACKENDS.some(([n, b]) => n === ns && b === name),
        secretProblem: () => "no Secrets in this suite",
      });
      const sources = attachments.routes.flatMap((r) => httpRouteSources(r) ?? []);
      const table = buildRouteTable({ sources, services: svcs, endpoints });
      const result = await gw.engine.apply(table);
      assert.notEqual(result.type, "rejected", JSON.stringify(result));
    }

    for (const s of SCENARIOS) {
      test(s.name, async () => {
        await serve(s);
        for (const c of s.checks) await check(gw, c);
      });
    }

    test("HTTPRouteWeight: 1,000 requests split 70/30/0 within 5 points", async () => {
      await serve({
        name: "HTTPRouteWeight",
        routes: [
          route(INFRA, "weighted-backends", {
            parentRefs: same,
            rules: [{ backendRefs: [to(V1, { weight: 70 }), to(V2, { weight: 30 }), to(V3, { weight: 0 })] }],
          }),
        ],
        checks: [],
      });
      // Each body on its own line.
      const stdout = await thousandRequests("\\n");
      const counts: Record<string, number> = {};
      for (const line of stdout.split("\n").filter((l) => l.startsWith("{"))) {
        const name = (JSON.parse(line) as Echo).name;
        counts[name] = (counts[name] ?? 0) + 1;
      }
      const total = Object.values(counts).reduce((a, b) => a + b, 0);
      assert.equal(total, 1000, JSON.stringify(counts));
      assert.ok(Math.abs((counts[V1] ?? 0) / 10 - 70) <= 5, `v1 got ${counts[V1]} of 1000`);
      assert.ok(Math.abs((counts[V2] ?? 0) / 10 - 30) <= 5, `v2 got ${counts[V2]} of 1000`);
      assert.equal(counts[V3], undefined, "weight 0 takes no request");
    });

    test("HTTPRouteInvalidBackendRefs: a missing backend keeps its weight, its half of 1,000 requests gets 500", async () => {
      await serve({
        name: "HTTPRouteWeightInvalid",
        routes: [
          route(INFRA, "half-missing", {
            parentRefs: same,
            rules: [{ backendRefs: [to(V1, { weight: 50 }), to("no-such-backend", { weight: 50 })] }],
          }),
        ],
        checks: [],
      });
      const stdout = await thousandRequests("\\n%{http_code}\\n");
      const lines = stdout.split("\n");
      const codes: Record<string, number> = {};
      for (const line of lines.filter((l) => /^\d{3}$/.test(l))) codes[line] = (codes[line] ?? 0) + 1;
      const served = lines.filter((l) => l.startsWith("{")).map((l) => (JSON.parse(l) as Echo).name);
      assert.equal((codes["200"] ?? 0) + (codes["500"] ?? 0), 1000, JSON.stringify(codes));
      assert.ok(Math.abs((codes["500"] ?? 0) / 10 - 50) <= 5, `500 for ${codes["500"]} of 1000, want 50% ± 5`);
      assert.deepEqual([...new Set(served)], [V1], "every request that was not refused reached the valid backend");
      assert.match(stdout, /Service gateway-conformance-infra\/no-such-backend not found/);
    });
  });
}

for (const kind of ["builtin", "nginx"] as const) {
  describe(`Gateway API conformance, HTTPS: ${kind}`, () => {
    let gw: TestEngine;
    let ca: TestCa;
    let echo: { port: number; close(): Promise<void> };

    before(async () => {
      ca = await startTestCa();
      echo = await startEcho(V1);
      gw = await startTestEngine(kind, { hosts: [], outcomes: [] }, {}, true);
    });
    after(async () => {
      await gw?.close();
      await echo?.close();
      await ca?.close();
    });

    test("HTTPRouteHTTPSListener: a route on an HTTPS listener is served with the listener's certificate", async () => {
      const issued = await ca.issue(["example.org", "second-example.org"]);
      const secret = tlsSecret("tls-validity-checks-certificate", issued.cert, issued.key, { namespace: INFRA });
      const material = parseTlsSecret(secret);
      const https = gateway("same-namespace-with-https-listener", {}, [
        {
          name: "https",
          port: 443,
          protocol: "HTTPS",
          tls: { certificateRefs: [{ name: "tls-validity-checks-certificate" }] },
        },
      ]);
      const routes = [
        route(INFRA, "https-route", {
          parentRefs: [{ name: "same-namespace-with-https-listener" }],
          hostnames: ["example.org"],
          rules: [{ backendRefs: [to(V1)] }],
        }),
      ];
      const attachments = attachRoutes({
        classes: [CLASS],
        gateways: [https],
        routes,
        grants: [],
        namespaceLabels: (ns) => NAMESPACE_LABELS[ns],
        serviceExists: () => true,
        secretProblem: (ns, name) =>
          ns === INFRA && name === "tls-validity-checks-certificate" && material.type === "ok"
            ? undefined
            : "not found",
      });
      assert.equal(attachments.routes[0]?.parents[0]?.accepted.reason, "Accepted");
      const { services: svcs, endpoints } = services(new Map([[V1, echo.port]]));
      const table = buildRouteTable({
        sources: attachments.routes.flatMap((r) => httpRouteSources(r) ?? []),
        services: svcs,
        endpoints,
        secrets: new Map([[`${INFRA}/tls-validity-checks-certificate`, material]]),
        https: true,
      });
      assert.notEqual((await gw.engine.apply(table)).type, "rejected");
      const tlsPort = gw.tlsPort ?? 0;
      const ok = await tlsCurl("https", "example.org", tlsPort, gw.host, "/", { cacert: ca.caPath });
      assert.deepEqual([ok.exit, ok.status], [0, 200], ok.body);
      assert.equal((JSON.parse(ok.body) as Echo).name, V1);
      assert.equal(await presentedSerial(gw.host, tlsPort, "example.org", ca.caPem), issued.serial);
      // No route names it: kdns's own certificate answers (so not verified here) and a 404.
      const other = await tlsCurl("https", "second-example.org", tlsPort, gw.host, "/");
      assert.deepEqual([other.exit, other.status], [0, 404], "a hostname the route does not name is not served");
    });
  });
}
