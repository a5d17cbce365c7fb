/**
 * kdns as a real Prometheus sees it: `kdns up` (memory store, forwarding to a loopback fake
 * upstream, the built-in gateway with an access log) scraped every second through the API
 * server's /metrics, and `kdns gateway --gateway nginx` against it through its --health-listen;
 * then DNS queries (dig), API writes and requests through both gateways (curl), read back with
 * PromQL through Prometheus's HTTP API.
 */
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { childEnv, stillRunning } from "../support/child.ts";
import { dashboardExprs } from "../support/dashboard.ts";
import { dig, requireDig } from "../support/dig.ts";
import { type FakeUpstream, startFakeUpstream } from "../support/fake-upstream.ts";
import { freePort } from "../support/free-port.ts";
import { BIN, type KdnsUp, NODE, startKdnsUp } from "../support/kdns-up.ts";
import { type Prometheus, type PromSample, requirePrometheus, startPrometheus } from "../support/prometheus.ts";
import { curl } from "../support/tls-clients.ts";
import { waitFor } from "../support/wait-for.ts";
import { startEcho } from "./gateway-harness.ts";

let upstream: FakeUpstream | undefined;
let kdns: KdnsUp | undefined;
let prometheus: Prometheus | undefined;
let echo: Awaited<ReturnType<typeof startEcho>> | undefined;
let nginxGateway: { child: ChildProcess; output(): string; exited: Promise<void> } | undefined;
let dir = "";
let dnsPort = 0;
/** The built-in gateway of `kdns up` and the nginx one of `kdns gateway`. */
const gatewayPorts = { builtin: 0, nginx: 0 };

before(async () => {
  requirePrometheus();
  requireDig();
  upstream = await startFakeUpstream();
  upstream.set("example.org", "A", { type: "answer", answers: [{ type: "A", ttl: 60, data: "192.0.2.80" }] });
  const apiPort = await freePort();
  dnsPort = await freePort();
  gatewayPorts.builtin = await freePort();
  gatewayPorts.nginx = await freePort();
  dir = await mkdtemp(join(tmpdir(), "kdns-prometheus-e2e-"));
  echo = await startEcho("shop");
  kdns = await startKdnsUp({
    args: [
      "--store",
      "memory",
      "--api-listen",
      `127.0.0.1:${apiPort}`,
      "--dns-listen",
      `127.0.0.1:${dnsPort}`,
      "--gateway-listen",
      `127.0.0.1:${gatewayPorts.builtin}`,
      "--gateway-access-log",
      join(dir, "access.log"),
      "--upstream",
      `${upstream.host}:${upstream.port}`,
    ],
    readyLine: /kdns: gateway \(builtin\) listening on /,
  });
  const health = await freePort();
  const child = spawn(
    NODE,
    [
      BIN,
      "gateway",
      "--server",
      kdns.server,
      "--gateway",
      "nginx",
      "--gateway-listen",
      `127.0.0.1:${gatewayPorts.nginx}`,
      "--gateway-tls-listen",
      "none",
      "--health-listen",
      `127.0.0.1:${health}`,
      "--data-dir",
      join(dir, "gateway"),
    ],
    { cwd: dir, env: childEnv(), stdio: ["ignore", "pipe", "pipe"] },
  );
  let out = "";
  child.stdout?.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (out += d.toString()));
  nginxGateway = { child, output: () => out, exited: new Promise((r) => child.once("close", () => r())) };
  await waitFor(
    async () => {
      stillRunning(child, "kdns gateway", () => out);
      return (await fetch(`http://127.0.0.1:${health}/readyz`).catch(() => undefined))?.ok === true;
    },
    { timeoutMs: 30_000, what: "kdns gateway /readyz" },
  );
  prometheus = await startPrometheus("kdns", [`127.0.0.1:${apiPort}`, `127.0.0.1:${health}`]);
});

after(async () => {
  await prometheus?.stop();
  if (nginxGateway && nginxGateway.child.exitCode === null) nginxGateway.child.kill("SIGTERM");
  await nginxGateway?.exited;
  await kdns?.stop();
  await upstream?.close();
  await echo?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
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

/** One request for shop.test through the gateway on `port`. */
const through = (port: number) => curl("http", "shop.test", port, "127.0.0.1", "/cart");

/** One request through each gateway, each answered 200. */
async function requests(): Promise<void> {
  for (const port of Object.values(gatewayPorts)) assert.equal((await through(port)).status, 200);
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

test("requests through both gateways show in nginx_ingress_controller_requests, and kdns up's access log has them", async () => {
  const res = await fetch(`${kdns!.server}/apis/kdns.dev/v1/namespaces/default/dnsrecords`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      apiVersion: "kdns.dev/v1",
      kind: "DNSRecord",
      metadata: { name: "shop" },
      spec: { host: "shop.test", paths: [{ path: "/", address: "127.0.0.1", port: echo!.port }] },
    }),
  });
  assert.equal(res.status, 201);
  for (const [engine, port] of Object.entries(gatewayPorts))
    await waitFor(async () => (await through(port)).status === 200, { what: `${engine} gateway serves shop.test` });
  await until('nginx_ingress_controller_requests{status="200"} > 0', requests);
  // One series per gateway (instance), with the route's labels.
  const both = await until(
    'count(nginx_ingress_controller_requests{status="200",host="shop.test",ingress="shop",namespace="default",path="/",method="GET"}) >= 2',
    requests,
  );
  assert.equal(both[0]!.value, 2);
  await until("nginx_ingress_controller_config_last_reload_successful == 1");
  await until("sum(kdns_gateway_route_change_seconds_count) > 0");
  const log = (await readFile(join(dir, "access.log"), "utf8"))
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l));
  const entry = log.find((e) => e.host === "shop.test" && e.status === 200);
  assert.ok(entry, `an access-log entry for shop.test: ${JSON.stringify(log.slice(-3))}`);
  assert.equal(entry.route, "default/shop");
  assert.equal(entry.path, "/cart");
  assert.equal(entry.upstream, `127.0.0.1:${echo!.port}`);
});

test("every panel of docs/grafana-dashboard.json is PromQL Prometheus runs, and the DNS, API, queue and gateway panels show data", async () => {
  // The cache hit ratio is a rate too: two scrapes must see hits grow.
  await until("sum(rate(coredns_cache_hits_total[1m])) > 0", ask);
  // The gateway panels are rates as well: two scrapes must see requests and route changes counted.
  await until("sum(rate(nginx_ingress_controller_requests[1m])) > 0", requests);
  await until("count(rate(kdns_gateway_route_change_seconds_count[1m])) > 0");
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
