import assert from "node:assert/strict";
import { test } from "node:test";
import { defaultGateway, defaultGatewayClass } from "../defaults/gateway-api.ts";
import type { KubeObject } from "../types.ts";
import { validateGateway } from "./gateway.ts";
import { validateGatewayClass } from "./gateway-class.ts";
import { validateReferenceGrant } from "./reference-grant.ts";

function gateway(listeners: unknown[], extra: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: "gateway.networking.k8s.io/v1",
    kind: "Gateway",
    metadata: { name: "gw", namespace: "default" },
    spec: { gatewayClassName: "kdns", listeners, ...extra },
  };
}
const fields = (listeners: unknown[], extra: Record<string, unknown> = {}) => {
  const obj = gateway(listeners, extra);
  defaultGateway(obj);
  return validateGateway(obj).map((c) => c.field);
};
const http = { name: "http", port: 80, protocol: "HTTP" };
const https = {
  name: "https",
  port: 443,
  protocol: "HTTPS",
  hostname: "*.example.com",
  tls: { certificateRefs: [{ name: "cert", namespace: "certs" }] },
};

test("a Gateway with HTTP and HTTPS listeners passes and gets the upstream defaults", () => {
  const obj = gateway([http, https]);
  defaultGateway(obj);
  assert.deepEqual(validateGateway(obj), []);
  const spec = obj["spec"] as { listeners: Record<string, unknown>[] };
  assert.deepEqual(spec.listeners[0]?.["allowedRoutes"], { namespaces: { from: "Same" } });
  assert.deepEqual(spec.listeners[1]?.["tls"], {
    mode: "Terminate",
    certificateRefs: [{ name: "cert", namespace: "certs", group: "", kind: "Secret" }],
  });
  assert.deepEqual(
    (obj["status"] as { conditions: { type: string; status: string; reason: string }[] }).conditions.map((c) => [
      c.type,
      c.status,
      c.reason,
    ]),
    [
      ["Accepted", "Unknown", "Pending"],
      ["Programmed", "Unknown", "Pending"],
    ],
  );
});

test("listener rules of the CRD: tls only for HTTPS/TLS, unique names and port+protocol+hostname, TCP without hostname", () => {
  assert.deepEqual(fields([{ ...http, tls: { certificateRefs: [{ name: "c" }] } }]), ["spec.listeners[0].tls"]);
  assert.deepEqual(fields([{ ...https, tls: undefined }]), ["spec.listeners[0].tls"]);
  assert.deepEqual(fields([{ ...https, tls: { mode: "Passthrough", certificateRefs: [{ name: "c" }] } }]), [
    "spec.listeners[0].tls.mode",
  ]);
  assert.deepEqual(fields([{ ...https, tls: {} }]), ["spec.listeners[0].tls.certificateRefs"]);
  assert.deepEqual(fields([http, { ...http, port: 81 }]), ["spec.listeners[1].name"]);
  assert.deepEqual(fields([http, { ...http, name: "other" }]), ["spec.listeners[1]"]);
  assert.deepEqual(fields([{ name: "tcp", port: 9000, protocol: "TCP", hostname: "a.com" }]), [
    "spec.listeners[0].hostname",
  ]);
  assert.deepEqual(fields([]), ["spec.listeners"]);
  assert.deepEqual(fields(Array.from({ length: 65 }, (_, i) => ({ ...http, name: `l${i}`, port: 1000 + i }))), [
    "spec.listeners",
  ]);
});

test("hostile listener values are refused", () => {
  for (const hostname of ["a.com;}", "*.*.a.com", "10.0.0.1", "A.com", "a.com\nx"])
    assert.deepEqual(fields([{ ...http, hostname }]), ["spec.listeners[0].hostname"], hostname);
  assert.deepEqual(fields([{ ...http, name: "Bad Name" }]), ["spec.listeners[0].name"]);
  assert.deepEqual(fields([{ ...http, port: 0 }]), ["spec.listeners[0].port"]);
  assert.deepEqual(fields([{ ...http, protocol: "HTTP; evil" }]), ["spec.listeners[0].protocol"]);
  assert.deepEqual(fields([{ ...https, tls: { certificateRefs: [{ name: "../etc/passwd" }] } }]), [
    "spec.listeners[0].tls.certificateRefs[0].name",
  ]);
  assert.deepEqual(fields([{ ...http, allowedRoutes: { namespaces: { from: "Everywhere" } } }]), [
    "spec.listeners[0].allowedRoutes.namespaces.from",
  ]);
  assert.deepEqual(fields([{ ...http, allowedRoutes: { namespaces: { from: "Selector" } } }]), [
    "spec.listeners[0].allowedRoutes.namespaces.selector",
  ]);
  assert.deepEqual(fields([http], { gatewayClassName: "" }), ["spec.gatewayClassName"]);
});

test("GatewayClass: a domain-prefixed controllerName that cannot change, and the Pending condition", () => {
  const gc = (controllerName: unknown, description?: string): KubeObject => ({
    apiVersion: "gateway.networking.k8s.io/v1",
    kind: "GatewayClass",
    metadata: { name: "kdns" },
    spec: { controllerName, ...(description !== undefined ? { description } : {}) },
  });
  const good = gc("kdns.dev/gateway");
  defaultGatewayClass(good);
  assert.deepEqual(validateGatewayClass(good), []);
  assert.equal(
    (good["status"] as { conditions: { message: string }[] }).conditions[0]?.message,
    "Waiting for controller",
  );
  for (const bad of ["kdns", "/gateway", "Kdns.dev/gateway", "kdns.dev/ gw", ""])
    assert.deepEqual(
      validateGatewayClass(gc(bad)).map((c) => c.field),
      ["spec.controllerName"],
      bad,
    );
  assert.match(validateGatewayClass(gc("other.io/x"), good)[0]?.message ?? "", /field is immutable/);
  assert.deepEqual(
    validateGatewayClass(gc("kdns.dev/gateway", "x".repeat(65))).map((c) => c.field),
    ["spec.description"],
  );
  assert.deepEqual(
    validateGatewayClass({ ...gc("kdns.dev/gateway"), metadata: { name: "kdns", namespace: "default" } }).map(
      (c) => c.field,
    ),
    ["metadata.namespace"],
  );
});

test("ReferenceGrant: 1-16 from and to entries, group required but may be empty", () => {
  const grant = (spec: unknown): KubeObject => ({
    apiVersion: "gateway.networking.k8s.io/v1",
    kind: "ReferenceGrant",
    metadata: { name: "g", namespace: "backends" },
    spec,
  });
  const from = [{ group: "gateway.networking.k8s.io", kind: "HTTPRoute", namespace: "web" }];
  const to = [{ group: "", kind: "Service" }];
  assert.deepEqual(validateReferenceGrant(grant({ from, to })), []);
  assert.deepEqual(validateReferenceGrant(grant({ from, to: [{ group: "", kind: "Service", name: "web" }] })), []);
  assert.deepEqual(
    validateReferenceGrant(grant({ from: [], to })).map((c) => c.field),
    ["spec.from"],
  );
  assert.deepEqual(
    validateReferenceGrant(grant({ from, to: [{ kind: "Service" }] })).map((c) => c.field),
    ["spec.to[0].group"],
  );
  assert.deepEqual(
    validateReferenceGrant(grant({ from: [{ group: "x", kind: "9bad", namespace: "Bad_NS" }], to })).map(
      (c) => c.field,
    ),
    ["spec.from[0].kind", "spec.from[0].namespace"],
  );
});
