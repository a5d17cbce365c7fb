/**
 * The DNS server's metrics as CoreDNS names and labels them, read back from the registry after
 * real queries with dig: cluster answers, NXDOMAIN, forwarded and cached names, TCP, the DO bit,
 * ANY (answered by the server itself) and memo hits.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { Registry } from "prom-client";
import { dig } from "../support/dig.ts";
import { waitFor } from "../support/wait-for.ts";
import { type DnsHarness, PODS, SERVICES, startDnsHarness } from "./dns-harness.ts";

/** Each family's labels as CoreDNS's metrics documentation lists them (minus `le` on histograms). */
const COREDNS_FAMILIES: Record<string, string[]> = {
  coredns_dns_requests_total: ["server", "zone", "view", "proto", "family", "type"],
  coredns_dns_responses_total: ["server", "zone", "view", "rcode", "plugin"],
  coredns_dns_request_duration_seconds: ["server", "zone", "view"],
  coredns_dns_request_size_bytes: ["server", "zone", "view", "proto"],
  coredns_dns_response_size_bytes: ["server", "zone", "view", "proto"],
  coredns_dns_do_requests_total: ["server", "zone", "view"],
  coredns_plugin_enabled: ["server", "zone", "view", "name"],
  coredns_panics_total: [],
  coredns_cache_entries: ["server", "type", "zones", "view"],
  coredns_cache_requests_total: ["server", "zones", "view"],
  coredns_cache_hits_total: ["server", "type", "zones", "view"],
  coredns_cache_served_stale_total: ["server", "zones", "view"],
  coredns_cache_prefetch_total: ["server", "zones", "view"],
  coredns_proxy_request_duration_seconds: ["proxy_name", "to", "rcode"],
  coredns_forward_healthcheck_broken_total: [],
  coredns_forward_max_concurrent_rejects_total: [],
};

interface Series {
  name: string;
  labels: Record<string, string>;
  value: number;
}

function parse(text: string): Series[] {
  const out: Series[] = [];
  for (const line of text.split("\n")) {
    const m = /^([a-z_:][a-z0-9_:]*)(?:\{(.*)\})? (\S+)$/i.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? "").matchAll(/([a-z_]+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    out.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return out;
}

let h: DnsHarness;
const registry = new Registry();
const ask = (args: string[]) => dig("127.0.0.1", h.port, args);

before(async () => {
  h = await startDnsHarness({ metrics: registry });
  h.upstream.set("example.org", "A", { type: "answer", answers: [{ type: "A", ttl: 60, data: "192.0.2.80" }] });
  await h.client.create(SERVICES, "default", {
    metadata: { name: "web" },
    spec: { ports: [{ name: "http", port: 80, protocol: "TCP" }] },
  });
});
after(() => h?.close());

test("queries are counted with CoreDNS's names, labels and values", async () => {
  // Without a cookie, which dig makes anew each run, the three questions are the same bytes.
  for (let i = 0; i < 3; i++)
    assert.equal((await ask(["+nocookie", "web.default.svc.cluster.local"])).status, "NOERROR");
  assert.equal((await ask(["nope.default.svc.cluster.local"])).status, "NXDOMAIN");
  assert.equal((await ask(["example.org"])).status, "NOERROR");
  assert.equal((await ask(["example.org"])).status, "NOERROR");
  assert.equal((await ask(["+tcp", "web.default.svc.cluster.local", "AAAA"])).status, "NOERROR");
  assert.equal((await ask(["+dnssec", "web.default.svc.cluster.local", "SRV"])).status, "NOERROR");
  assert.equal((await ask(["web.default.svc.cluster.local", "ANY"])).status, "NOERROR");

  const series = parse(await registry.metrics());
  const server = `dns://127.0.0.1:${h.port}`;
  const sum = (name: string, match: Record<string, string> = {}): number =>
    series
      .filter((s) => s.name === name && Object.entries(match).every(([k, v]) => s.labels[k] === v))
      .reduce((n, s) => n + s.value, 0);

  for (const [family, labels] of Object.entries(COREDNS_FAMILIES)) {
    const found = series.filter((s) => s.name === family || s.name.startsWith(`${family}_`));
    assert.ok(found.length > 0, `${family} is exported`);
    for (const s of found) {
      const names = Object.keys(s.labels).filter((k) => k !== "le");
      assert.deepEqual(names.sort(), [...labels].sort(), `${s.name} has CoreDNS's labels`);
      if (labels.includes("server")) assert.equal(s.labels.server, server);
    }
  }
  assert.equal(sum("coredns_dns_requests_total"), 9);
  assert.equal(sum("coredns_dns_requests_total", { proto: "udp", family: "1", type: "A" }), 6);
  assert.equal(sum("coredns_dns_requests_total", { proto: "tcp", type: "AAAA" }), 1);
  assert.equal(sum("coredns_dns_requests_total", { type: "SRV" }), 1);
  assert.equal(sum("coredns_dns_responses_total", { rcode: "NXDOMAIN", plugin: "kubernetes" }), 1);
  assert.equal(sum("coredns_dns_responses_total", { rcode: "NOERROR", plugin: "kubernetes" }), 5);
  assert.equal(sum("coredns_dns_responses_total", { rcode: "NOERROR", plugin: "forward" }), 1);
  assert.equal(sum("coredns_dns_responses_total", { rcode: "NOERROR", plugin: "cache" }), 1);
  assert.equal(sum("coredns_dns_responses_total", { plugin: "" }), 1, "ANY is answered by the server");
  assert.equal(sum("coredns_dns_do_requests_total"), 1);
  assert.equal(sum("coredns_dns_request_duration_seconds_count"), 9);
  // dig asks ANY over TCP, as it does +tcp.
  assert.equal(sum("coredns_dns_requests_total", { proto: "tcp", type: "ANY" }), 1);
  assert.equal(sum("coredns_dns_request_size_bytes_count", { proto: "tcp" }), 2);
  assert.equal(sum("coredns_dns_response_size_bytes_count", { proto: "udp" }), 7);
  assert.equal(sum("coredns_plugin_enabled", { name: "kubernetes" }), 1);
  assert.equal(sum("coredns_panics_total"), 0);
  assert.ok(sum("kdns_dns_response_memo_hits_total") >= 2, "repeated cluster questions come from the memo");
  // Only example.org got past the cluster data to the cache: a miss, forwarded, then a hit.
  assert.equal(sum("coredns_cache_requests_total"), 2);
  assert.equal(sum("coredns_cache_hits_total", { type: "success" }), 1);
  assert.equal(sum("coredns_cache_entries", { type: "success" }), 1);
  const to = `${h.upstream.host}:${h.upstream.port}`;
  assert.equal(sum("coredns_proxy_request_duration_seconds_count", { proxy_name: "forward", to, rcode: "NOERROR" }), 1);
  assert.equal(sum("coredns_forward_healthcheck_broken_total"), 0);
});

test("DNS's informers show in kdns_informer_synced and kdns_informer_objects as component dns", async () => {
  const series = parse(await registry.metrics());
  for (const resource of ["services", "endpoints", "dnsrecords"]) {
    const synced = series.find(
      (s) => s.name === "kdns_informer_synced" && s.labels.component === "dns" && s.labels.resource === resource,
    );
    assert.equal(synced?.value, 1, `${resource} synced`);
  }
  const services = series.find(
    (s) => s.name === "kdns_informer_objects" && s.labels.component === "dns" && s.labels.resource === "services",
  );
  assert.ok((services?.value ?? 0) >= 2, "default/kubernetes and web are cached");
});

test("--log-queries writes CoreDNS log lines for real dig queries, memo hits included", async () => {
  const lines: string[] = [];
  const logged = await startDnsHarness({ queryLog: { sample: 1, write: (l) => lines.push(l) } });
  try {
    for (let i = 0; i < 2; i++) await dig("127.0.0.1", logged.port, ["+nocookie", "nope.default.svc.cluster.local"]);
    await dig("127.0.0.1", logged.port, ["+tcp", "cluster.local", "SOA"]);
    assert.equal(lines.length, 3);
    const udp =
      /^\[INFO\] 127\.0\.0\.1:\d+ - \d+ "A IN nope\.default\.svc\.cluster\.local\. udp \d+ false \d+" NXDOMAIN qr,aa,rd,ra \d+ \d+\.\d+s$/;
    assert.match(lines[0]!, udp);
    assert.match(lines[1]!, udp);
    assert.match(lines[2]!, /"SOA IN cluster\.local\. tcp \d+ false \d+" NOERROR qr,aa,rd,ra \d+ /);
  } finally {
    await logged.close();
  }
});

test("an endpoints change is measured from its trigger time to DNS having it (dns_programming_duration)", async () => {
  await h.client.create(SERVICES, "default", {
    metadata: { name: "api" },
    spec: { selector: { app: "api" }, ports: [{ name: "http", port: 80, protocol: "TCP" }] },
  });
  await h.client.create(PODS, "default", {
    metadata: { name: "api-1", labels: { app: "api" } },
    spec: { containers: [{ name: "c", image: "x" }] },
  });
  await h.client.patch(
    PODS,
    "default",
    "api-1",
    { status: { phase: "Running", podIP: "10.9.0.1", conditions: [{ type: "Ready", status: "True" }] } },
    "application/merge-patch+json",
    "status",
  );
  const measured = async (): Promise<number> =>
    parse(await registry.metrics())
      .filter(
        (s) =>
          s.name === "coredns_kubernetes_dns_programming_duration_seconds_count" &&
          s.labels.service_kind === "cluster_ip",
      )
      .reduce((n, s) => n + s.value, 0);
  await waitFor(async () => (await measured()) > 0, { what: "a programming duration for the api Service" });
  const sum = parse(await registry.metrics()).find(
    (s) => s.name === "coredns_kubernetes_dns_programming_duration_seconds_sum",
  );
  assert.ok(sum && sum.value >= 0 && sum.value < 30, `a plausible duration, got ${sum?.value}`);
});
