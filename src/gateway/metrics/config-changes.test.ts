import assert from "node:assert/strict";
import { test } from "node:test";
import { Registry } from "prom-client";
import { parseSamples, sumOf } from "../../../test/support/prom-text.ts";
import { ConfigChanges } from "./config-changes.ts";
import { GatewayMetrics } from "./gateway-metrics.ts";

test("a pass is timed from the earliest change it answers: Endpoints from their trigger time, others from when heard", async () => {
  const registry = new Registry();
  let now = Date.parse("2026-11-27T15:00:10.000Z");
  const changes = new ConfigChanges(new GatewayMetrics(registry), () => now);
  const read = async () => parseSamples(await registry.metrics());

  changes.changed({
    metadata: { annotations: { "endpoints.kubernetes.io/last-change-trigger-time": "2026-11-27T15:00:09.750Z" } },
  });
  changes.changed(undefined); // a record, heard now
  const since = changes.passStarts();
  now += 50;
  changes.applied(since, { type: "applied" });
  let all = await read();
  assert.equal(sumOf(all, "kdns_gateway_route_change_seconds_count"), 1);
  assert.equal(sumOf(all, "kdns_gateway_route_change_seconds_sum"), 0.3);
  assert.equal(sumOf(all, "nginx_ingress_controller_config_last_reload_successful"), 1);
  assert.equal(
    sumOf(all, "nginx_ingress_controller_config_last_reload_successful_timestamp_seconds"),
    Math.floor(now / 1000),
  );

  // A trigger time in the future (a skewed clock) or unreadable counts from when it was heard.
  changes.changed({
    metadata: { annotations: { "endpoints.kubernetes.io/last-change-trigger-time": "2099-01-01T00:00:00Z" } },
  });
  changes.applied(changes.passStarts(), { type: "unchanged" });
  all = await read();
  assert.equal(
    sumOf(all, "kdns_gateway_route_change_seconds_count"),
    1,
    "an unchanged configuration is not a change served",
  );
  changes.changed({ metadata: { annotations: { "endpoints.kubernetes.io/last-change-trigger-time": "soon" } } });
  changes.applied(changes.passStarts(), { type: "rejected", error: "nginx -t: no" });
  all = await read();
  assert.equal(sumOf(all, "nginx_ingress_controller_config_last_reload_successful"), 0);
  assert.equal(sumOf(all, "kdns_gateway_route_change_seconds_count"), 1, "a rejected configuration serves nothing");
  changes.applied(changes.passStarts(), { type: "applied" });
  assert.equal(
    sumOf(await read(), "kdns_gateway_route_change_seconds_count"),
    1,
    "a pass with no change heard is not timed",
  );
});
