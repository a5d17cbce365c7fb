import assert from "node:assert/strict";
import { test } from "node:test";
import { overviewBetween, quantileMs, sampleOf } from "./stats.ts";

const family = (name: string, values: { labels: Record<string, string>; value: number; metricName?: string }[]) => ({
  name,
  values,
});

function buckets(name: string, counts: [string, number][]) {
  return counts.map(([le, value]) => ({ metricName: `${name}_bucket`, labels: { le }, value }));
}

test("p99 interpolates within the bucket holding the 99th percentile, as histogram_quantile does", () => {
  const before = new Map([
    [0.001, 0],
    [0.01, 0],
    [Number.POSITIVE_INFINITY, 0],
  ]);
  const after = new Map([
    [0.001, 50],
    [0.01, 100],
    [Number.POSITIVE_INFINITY, 100],
  ]);
  // rank 99 of 100: 49 of the 50 observations in (1 ms, 10 ms] → 1 + 9 × 49/50 ms.
  assert.equal(quantileMs(0.99, before, after)?.toFixed(2), "9.82");
  assert.equal(quantileMs(0.99, after, after), null, "no observations in between");
});

test("rates, the rcode mix and the cache hit ratio come from the difference of two samples", () => {
  const at = (t: number, n: number, hits: number, gateway: boolean) =>
    sampleOf(
      [
        family("coredns_dns_responses_total", [
          { labels: { rcode: "NOERROR" }, value: n },
          { labels: { rcode: "NXDOMAIN" }, value: n / 2 },
        ]),
        family("coredns_cache_hits_total", [{ labels: { type: "success" }, value: hits }]),
        family("coredns_cache_misses_total", [{ labels: {}, value: 10 }]),
        family(
          "coredns_dns_request_duration_seconds",
          buckets("coredns_dns_request_duration_seconds", [
            ["0.001", n],
            ["+Inf", n],
          ]),
        ),
        family("apiserver_request_total", [
          { labels: { verb: "GET" }, value: n },
          { labels: { verb: "WATCH" }, value: 1000 * n },
        ]),
        ...(gateway ? [family("nginx_ingress_controller_requests", [{ labels: { status: "200" }, value: n }])] : []),
        family("kdns_informer_synced", [{ labels: { component: "dns", resource: "services" }, value: 1 }]),
      ],
      t,
    );
  const stats = overviewBetween(at(0, 100, 30, true), at(2000, 300, 70, true));
  assert.equal(stats.dns.qps, 150);
  assert.deepEqual(stats.dns.rcodes, { NOERROR: 100, NXDOMAIN: 50 });
  assert.equal(stats.dns.cacheHitRatio, 1, "40 hits, no new misses");
  assert.ok(stats.dns.p99ms !== null && stats.dns.p99ms <= 1);
  assert.equal(stats.api.rps, 100, "watches are not counted");
  assert.deepEqual(stats.gateway?.statuses, { "200": 100 });
  assert.deepEqual(stats.informers, [{ component: "dns", resource: "services", synced: true }]);
  assert.equal(overviewBetween(at(0, 1, 0, false), at(1000, 2, 0, false)).gateway, null, "no gateway family");
});
