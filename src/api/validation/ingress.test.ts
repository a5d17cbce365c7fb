import assert from "node:assert/strict";
import { test } from "node:test";
import { HOSTILE_HOSTS, HOSTILE_PATHS } from "../../../test/support/hostile-values.ts";
import type { KubeObject } from "../types.ts";
import { validateIngress, validateIngressClass } from "./ingress.ts";

function ingress(spec: Record<string, unknown>): KubeObject {
  return { apiVersion: "networking.k8s.io/v1", kind: "Ingress", metadata: { name: "i", namespace: "default" }, spec };
}
const backend = { service: { name: "web", port: { number: 80 } } };
const rule = (host: string | undefined, path: string, pathType = "Prefix") => ({
  ...(host !== undefined ? { host } : {}),
  http: { paths: [{ path, pathType, backend }] },
});
const fields = (obj: KubeObject): string[] => [...new Set(validateIngress(obj).map((c) => c.field))];

test("an upstream-style Ingress is valid: hosts, a wildcard, no host, every pathType, port by name, tls", () => {
  const ok: Record<string, unknown> = {
    ingressClassName: "kdns",
    defaultBackend: backend,
    tls: [{ hosts: ["foo.bar.com", "*.wild.com"], secretName: "tls-secret" }],
    rules: [
      rule("foo.bar.com", "/testpath"),
      rule("*.wild.com", "/", "Exact"),
      rule(undefined, "/any", "ImplementationSpecific"),
      {
        host: "named.com",
        http: {
          paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: "web", port: { name: "http" } } } }],
        },
      },
    ],
  };
  assert.deepEqual(validateIngress(ingress(ok)), []);
  assert.deepEqual(validateIngress(ingress({ defaultBackend: backend })), []);
});

test("every hostile host and path is rejected on its field", () => {
  for (const host of HOSTILE_HOSTS) {
    if (host === "") continue; // an empty host is a rule for every host
    assert.deepEqual(fields(ingress({ rules: [rule(host, "/")] })), ["spec.rules[0].host"], JSON.stringify(host));
    assert.deepEqual(
      fields(ingress({ rules: [rule("a.com", "/")], tls: [{ hosts: [host], secretName: "s" }] })),
      ["spec.tls[0].hosts[0]"],
      JSON.stringify(host),
    );
  }
  for (const path of HOSTILE_PATHS)
    for (const pathType of ["Exact", "Prefix", "ImplementationSpecific"])
      assert.deepEqual(
        fields(ingress({ rules: [rule("a.com", path, pathType)] })),
        ["spec.rules[0].http.paths[0].path"],
        `${pathType} ${JSON.stringify(path).slice(0, 80)}`,
      );
});

test("missing or wrong pathType, backends and class names are rejected", () => {
  assert.deepEqual(fields(ingress({})), ["spec"]);
  assert.deepEqual(fields(ingress({ rules: [rule("a.com", "/", "Regex")] })), ["spec.rules[0].http.paths[0].pathType"]);
  const noType = ingress({ rules: [{ host: "a.com", http: { paths: [{ path: "/", backend }] } }] });
  assert.deepEqual(fields(noType), ["spec.rules[0].http.paths[0].pathType"]);
  const bad = (b: unknown) => fields(ingress({ defaultBackend: b }));
  assert.deepEqual(bad({ service: { name: "web", port: { number: 99999 } } }), [
    "spec.defaultBackend.service.port.number",
  ]);
  assert.deepEqual(bad({ service: { name: "web", port: { number: 80, name: "http" } } }), [
    "spec.defaultBackend.service.port",
  ]);
  assert.deepEqual(bad({ service: { name: "web;}", port: { number: 80 } } }), ["spec.defaultBackend.service.name"]);
  assert.deepEqual(bad({ service: { name: "web", port: { name: "$http" } } }), [
    "spec.defaultBackend.service.port.name",
  ]);
  assert.deepEqual(bad({}), ["spec.defaultBackend.service"]);
  assert.deepEqual(fields(ingress({ defaultBackend: backend, ingressClassName: "Bad Class" })), [
    "spec.ingressClassName",
  ]);
  assert.deepEqual(fields(ingress({ defaultBackend: backend, tls: [{ secretName: "../x" }] })), [
    "spec.tls[0].secretName",
  ]);
});

test("IngressClass: the controller is a domain-prefixed path and immutable", () => {
  const cls = (controller: unknown): KubeObject => ({
    apiVersion: "networking.k8s.io/v1",
    kind: "IngressClass",
    metadata: { name: "kdns" },
    spec: { controller },
  });
  assert.deepEqual(validateIngressClass(cls("kdns.dev/gateway")), []);
  for (const bad of ["", "gateway", "kdns.dev/", "kdns.dev/a b", "a;b/c", 7])
    assert.ok(validateIngressClass(cls(bad)).length > 0, JSON.stringify(bad));
  assert.deepEqual(
    validateIngressClass(cls("k8s.io/ingress-nginx"), cls("kdns.dev/gateway")).map((c) => c.field),
    ["spec.controller"],
  );
});
