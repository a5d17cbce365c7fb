/**
 * kdns as a real Prometheus sees it: `kdns up` (memory store, forwarding to a loopback fake
 * upstream) scraped every second through the API server's /metrics, then DNS queries (dig) and
 * API writes, read back with PromQL through Prometheus's HTTP API.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { dashboardExprs } from "../support/dashboard.ts";
import { dig, requireDig } from "../support/dig.ts";
import { type FakeUpstream, startFakeUpstream } from "../support/fake-upstream.ts";
import { freePort } from "../support/free-port.ts";
import { type KdnsUp, startKdnsUp } from "../support/kdns-up.ts";
import { type Prometheus, type PromSample, requirePrometheus, startPrometheus } from "../support/prometheus.ts";
import { waitFor } from "../support/wait-for.ts";

let upstream: FakeUpstream | undefined;
let kdns: KdnsUp | undefined;
let prometheus: Prometheus | undefined;
let dnsPort = 0;

before(async () => {
  requirePrometheus();
  requireDig();
  upstream = await startFakeUpstream();
  upstream.set("example.org", "A", { type: "answer", answers: [{ type: "A", ttl: 60, data: "192.0.2.80" }] });
  const apiPort = await freePort();
  dnsPort = await freePort();
  kdns = await startKdnsUp({
    args: [
      "--store",
      "memory",
      "--api-listen",
      `127.0.0.1:${apiPort}`,
      "--dns-listen",
      `127.0.0.1:${dnsPort}`,
      "--gateway-listen",
      `127.0.0.1:${await freePort()}`,
      "--upstream",
      `${upstream.host}:${upstream.port}`,
    ],
    readyLine: /kdns: gateway \(builtin\) listening on /,
  });
  prometheus = await startPrometheus("kdns", [`127.0.0.1:${apiPort}`]);
});

after(async () => {
  await prometheus?.stop();
  await kdns?.stop();
  await upstream?.close();
});

/** Polls `expr` until it returns samples (each dig round and API write first, when given). */
async function until(expr: string, traffic?: () => Promise<unknown>): Promise<PromSample[]> {
  const p = prometheus!;
  return await waitFor(
    async () => {
      await traffic?.();
      const samples = await p.query(expr);
      return samples.length > 0 && samples;
    },
    { timeoutMs: 20_000, intervalMs: 250, what: `${expr} to return samples\n${p.output()}` },
  );
}

/** Queries that reach every DNS plugin: a cluster name, a miss, and a forwarded name (a cache hit from the second time). */
async function ask(): Promise<void> {
  await dig("127.0.0.1", dnsPort, ["web.default.svc.cluster.local"]);
  await dig("127.0.0.1", dnsPort, ["nope.default.svc.cluster.local"]);
  await dig("127.0.0.1", dnsPort, ["example.org"]);
}

test("Prometheus scrapes kdns up and reads DNS and API traffic with PromQL", async () => {
  await until('up{job="kdns"} == 1');
  const res = await fetch(`${kdns!.server}/api/v1/namespaces/default/services`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "web" },
      spec: { ports: [{ port: 80 }] },
    }),
  });
  assert.equal(res.status, 201);
  // A counter's first scrape is its start: the rate shows once two scrapes saw it grow.
  const rate = await until("sum(rate(coredns_dns_requests_total[1m])) > 0", ask);
  assert.ok(rate[0]!.value > 0);
  const nx = await until('coredns_dns_responses_total{rcode="NXDOMAIN",plugin="kubernetes"} > 0');
  assert.match(nx[0]!.metric.server ?? "", new RegExp(`^dns://127\\.0\\.0\\.1:${dnsPort}$`));
  const created = await until('apiserver_request_total{verb="POST",code="201",resource="services"} > 0');
  assert.equal(created[0]!.metric.scope, "resource");
  assert.equal(created[0]!.metric.component, "apiserver");
  await until('coredns_proxy_request_duration_seconds_count{rcode="NOERROR"} > 0');
  await until('workqueue_adds_total{name="endpoint"} > 0');
});

test("every panel of docs/grafana-dashboard.json is PromQL Prometheus runs, and the DNS, API and queue panels show data", async () => {
  // The cache hit ratio is a rate too: two scrapes must see hits grow.
  await until("sum(rate(coredns_cache_hits_total[1m])) > 0", ask);
  const empty: string[] = [];
  for (const { title, expr } of await dashboardExprs()) {
    const promql = expr.replaceAll("$__rate_interval", "1m").replaceAll("$job", "kdns");
    // Rejects, naming the expression, when Prometheus cannot parse or run it.
    if ((await prometheus!.query(promql)).length === 0) empty.push(title);
  }
  // Retries appear only after a failed sync; every other panel has series by now.
  assert.deepEqual(
    empty.filter((title) => title !== "Work queue adds and retries"),
    [],
    "panels without data",
  );
});
