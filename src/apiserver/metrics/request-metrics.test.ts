import assert from "node:assert/strict";
import { test } from "node:test";
import { Registry } from "prom-client";
import { resourceByKind, resourceByPath } from "../../api/resources.ts";
import { RequestMetrics, SCOPES, scopeOf, VERBS, verbOf } from "./request-metrics.ts";

const q = (s = "") => new URLSearchParams(s);

test("verbs as kube-apiserver reports them", () => {
  const verb = (method: string, name: string | undefined, query = q(), type?: string) =>
    VERBS[verbOf(method, name, query, type)];
  assert.equal(verb("GET", "web"), "GET");
  assert.equal(verb("HEAD", "web"), "GET");
  assert.equal(verb("GET", undefined), "LIST");
  assert.equal(verb("GET", undefined, q("watch=1")), "WATCH");
  assert.equal(verb("GET", undefined, q("watch=false")), "LIST");
  assert.equal(verb("GET", "web", q("watch=1")), "GET", "a named GET is served as a GET");
  assert.equal(verb("PATCH", "web", q(), "application/merge-patch+json"), "PATCH");
  assert.equal(verb("PATCH", "web", q(), "application/apply-patch+yaml; charset=utf-8"), "APPLY");
  assert.equal(verb("OPTIONS", undefined), "other");
});

test("scopes as kube-apiserver's installer sets them", () => {
  const info = resourceByPath("", "services")!;
  const scope = (method: string, namespace?: string, name?: string) =>
    SCOPES[scopeOf(method, { info, namespace, name, subresource: undefined })];
  assert.equal(scope("GET", "default", "web"), "resource");
  assert.equal(scope("POST", "default"), "resource", "a create is scoped to the resource");
  assert.equal(scope("GET", "default"), "namespace");
  assert.equal(scope("GET"), "cluster", "all namespaces");
});

test("a request at another served version is counted under that version", async () => {
  const registry = new Registry();
  const metrics = new RequestMetrics(registry);
  const info = resourceByKind("gateway.networking.k8s.io/v1beta1", "HTTPRoute")!;
  const row = metrics.rowOf(
    "GET",
    { info, namespace: "apps", name: undefined, subresource: undefined },
    q(),
    undefined,
  );
  metrics.end(row, 200, metrics.begin(row));
  const text = await registry.getSingleMetricAsString("apiserver_request_total");
  assert.match(
    text,
    /apiserver_request_total\{[^}]*group="gateway\.networking\.k8s\.io",version="v1beta1",resource="httproutes",subresource=""[^}]*\} 1/,
  );
});
