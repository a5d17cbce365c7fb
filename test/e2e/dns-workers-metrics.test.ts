/**
 * `kdns dns --workers 2`: `/metrics` on --health-listen and on --metrics-listen is the sum over
 * the worker processes (each query is counted once, whichever worker the kernel gave it to), with
 * the families that are the same in every worker shown once (plugin enabled, informer synced,
 * build info), in valid exposition text (each family once).
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { dig } from "../support/dig.ts";
import { type FakeUpstream, startFakeUpstream } from "../support/fake-upstream.ts";
import { freePort } from "../support/free-port.ts";
import { parseSamples, sumOf } from "../support/prom-text.ts";
import { type KdnsUp, startKdnsDns, startKdnsUp } from "./kdns-dns-harness.ts";

let upstream: FakeUpstream;
let up: KdnsUp | undefined;

before(async () => {
  upstream = await startFakeUpstream();
  upstream.set("outside.test", "A", { type: "answer", answers: [{ type: "A", ttl: 0, data: "192.0.2.9" }] });
  up = await startKdnsUp(await freePort(), [
    "--dns-listen",
    `127.0.0.1:${await freePort()}`,
    "--upstream",
    `127.0.0.1:${upstream.port}`,
    "--gateway",
    "none",
  ]);
});

after(async () => {
  await up?.stop();
  await upstream?.close();
});

test("/metrics of kdns dns --workers 2 sums the workers' counts", async () => {
  const [port, health, metricsPort] = [await freePort(), await freePort(), await freePort()];
  const { child, exited } = await startKdnsDns(up!.server, health, [
    "--listen",
    `127.0.0.1:${port}`,
    "--metrics-listen",
    `127.0.0.1:${metricsPort}`,
    "--workers",
    "2",
    "--upstream",
    `127.0.0.1:${upstream.port}`,
  ]);
  try {
    // Each dig sends from a port of its own, so SO_REUSEPORT spreads the queries over both workers;
    // were only one process counted, 20 queries would all have to land on it (odds 2 in a million).
    const queries = 20;
    for (let i = 0; i < queries; i++) {
      const r = await dig("127.0.0.1", port, ["outside.test", "A"]);
      assert.equal(r.status, "NOERROR");
    }
    for (const at of [health, metricsPort]) {
      const text = await (await fetch(`http://127.0.0.1:${at}/metrics`)).text();
      const families = text.split("\n").filter((l) => l.startsWith("# TYPE "));
      assert.equal(new Set(families).size, families.length, "each family once");
      const samples = parseSamples(text);
      assert.equal(sumOf(samples, "coredns_dns_requests_total"), queries, `requests on :${at}`);
      assert.equal(sumOf(samples, "coredns_dns_responses_total", { rcode: "NOERROR" }), queries);
      assert.equal(sumOf(samples, "coredns_dns_request_duration_seconds_count"), queries);
      assert.equal(sumOf(samples, "coredns_plugin_enabled", { name: "forward" }), 1);
      assert.equal(sumOf(samples, "kdns_informer_synced", { resource: "services" }), 1);
      assert.ok(sumOf(samples, "kdns_informer_objects", { resource: "services" }) >= 1);
      assert.equal(sumOf(samples, "coredns_build_info"), 1);
      // Node's process figures of the three processes: summed, or (version info) taken once.
      assert.ok(sumOf(samples, "process_resident_memory_bytes") > 0);
      assert.equal(sumOf(samples, "nodejs_version_info"), 1);
    }
  } finally {
    child.kill("SIGTERM");
    await exited;
  }
});
