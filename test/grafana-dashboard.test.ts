/**
 * docs/grafana-dashboard.json reads only what kdns exports: every metric name in every panel's
 * PromQL is a family the parts register (DNS with cache and forward, the API server and its
 * storage, the controllers, the gateway, the process), as `kdns up` starts them in one registry.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Registry } from "prom-client";
import { startApiServer } from "../src/apiserver/index.ts";
import { processRegistry, registerDnsBuildInfo } from "../src/cli/parts/metrics.ts";
import { PartStack } from "../src/cli/stack.ts";
import { RestClient } from "../src/client/rest-client.ts";
import { startControllers } from "../src/controllers/index.ts";
import { startDns } from "../src/dns/index.ts";
import { startGateway } from "../src/gateway/index.ts";
import { openStorage } from "../src/storage/index.ts";
import { dashboardExprs, metricNames } from "./support/dashboard.ts";
import { startFakeUpstream } from "./support/fake-upstream.ts";

let registered: Set<string>;
const stack = new PartStack();

/** The sample names `registry` can export: each family, and a histogram's `_bucket`, `_sum`, `_count`. */
async function exportedNames(registry: Registry): Promise<Set<string>> {
  const names = new Set<string>();
  for (const family of await registry.getMetricsAsJSON()) {
    names.add(family.name);
    if (String(family.type) === "histogram") for (const s of ["_bucket", "_sum", "_count"]) names.add(family.name + s);
  }
  return names;
}

before(async () => {
  const registry = processRegistry();
  const storage = await openStorage({ type: "memory", dataDir: "/nonexistent" });
  stack.push({ name: "storage", close: () => storage.close() });
  const api = await startApiServer({ listen: "127.0.0.1:0", storage, metrics: registry });
  stack.push({ name: "api", close: () => api.close() });
  const client = new RestClient({ server: api.url });
  const controllers = await startControllers({ client, metrics: registry });
  stack.push({ name: "controllers", close: () => controllers.close() });
  const upstream = await startFakeUpstream();
  stack.push({ name: "upstream", close: () => upstream.close() });
  registerDnsBuildInfo(registry);
  const dns = await startDns({
    source: client,
    listen: { host: "127.0.0.1", port: 0 },
    upstream: [{ host: upstream.host, port: upstream.port }],
    metrics: registry,
  });
  stack.push({ name: "dns", close: () => dns.close() });
  const gateway = await startGateway({
    client,
    engine: "builtin",
    host: "127.0.0.1",
    port: 0,
    dataDir: "/nonexistent",
    metrics: registry,
  });
  stack.push({ name: "gateway", close: () => gateway.close() });
  registered = await exportedNames(registry);
});
after(() => stack.close());

test("metricNames finds the metrics of an expression and nothing else", () => {
  assert.deepEqual(
    metricNames(
      'histogram_quantile(0.99, sum by (le, verb) (rate(apiserver_request_duration_seconds_bucket{job=~"$job",verb!="WATCH"}[$__rate_interval])))',
    ),
    ["apiserver_request_duration_seconds_bucket"],
  );
  assert.deepEqual(metricNames("sum(rate(a_total[5m])) / sum(rate(b_total[5m] offset 1h)) > bool 1e3"), [
    "a_total",
    "b_total",
  ]);
  assert.deepEqual(metricNames('sum(x) by (instance) and on (job) y{a="b(c)"}'), ["x", "y"]);
});

test("every metric the dashboard reads is one kdns registers", async () => {
  const exprs = await dashboardExprs();
  assert.ok(exprs.length >= 20, `the dashboard has its panels (${exprs.length} expressions)`);
  const used = new Set<string>();
  for (const { title, expr } of exprs) {
    const names = metricNames(expr);
    assert.ok(names.length > 0, `"${title}" reads a metric: ${expr}`);
    for (const name of names) {
      used.add(name);
      assert.ok(registered.has(name), `"${title}" reads ${name}, which kdns does not register: ${expr}`);
    }
  }
  // The series the issue asks dashboards to show are all on it.
  for (const name of [
    "coredns_dns_requests_total",
    "coredns_dns_responses_total",
    "coredns_dns_request_duration_seconds_bucket",
    "coredns_cache_hits_total",
    "coredns_proxy_request_duration_seconds_bucket",
    "apiserver_request_total",
    "apiserver_request_duration_seconds_bucket",
    "workqueue_depth",
    "nginx_ingress_controller_requests",
    "nginx_ingress_controller_request_duration_seconds_bucket",
  ])
    assert.ok(used.has(name), `the dashboard shows ${name}`);
});
