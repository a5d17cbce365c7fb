import assert from "node:assert/strict";
import { test } from "node:test";
import { Registry } from "prom-client";
import { parseSamples, sumOf } from "../../../test/support/prom-text.ts";
import type { AccessLogEntry } from "../access-log/entry.ts";
import { GatewayMetrics } from "../metrics/gateway-metrics.ts";
import type { RouteTable } from "../routes/model.ts";
import { numberAt, observeNginxLine, unescapeNginx } from "./request-log.ts";

const table = {
  hosts: [
    {
      host: "shop.test",
      routes: [
        {
          owner: { kind: "DNSRecord", namespace: "default", name: "site" },
          match: { path: { type: "PathPrefix", value: "/café" }, headers: [], queryParams: [] },
          filters: [],
          groups: [{ weight: 1, backends: [], service: "default/web" }],
        },
      ],
    },
  ],
  outcomes: [],
} as unknown as RouteTable;

test("nginx's escape=default is decoded: \\xHH are bytes read as UTF-8, nothing else changes", () => {
  assert.equal(unescapeNginx("/plain?q=1"), "/plain?q=1");
  assert.equal(unescapeNginx("/a\\x22b\\x5Cc\\x09d"), '/a"b\\c\td');
  assert.equal(unescapeNginx("/caf\\xC3\\xA9"), "/café");
  assert.equal(unescapeNginx("/x\\x0A\\x0D"), "/x\n\r");
});

test("numbers are read from their digits: integers and nginx's s.mmm; anything else is NaN", () => {
  const at = (v: string) => numberAt(`x\t${v}\ty`, 2, 2 + v.length);
  assert.equal(at("200"), 200);
  assert.equal(at("0.012"), 0.012);
  assert.equal(at("12.500"), 12.5);
  assert.equal(at("1289"), 1289);
  for (const bad of ["", "-", "1e3", "0x10", ".5", "1.2.3", " 1", "1 ", "+1"]) assert.ok(Number.isNaN(at(bad)), bad);
});

test("metrics lines count into the route's series; other hosts, foreign lines and the default server are not counted", async () => {
  const registry = new Registry();
  const metrics = new GatewayMetrics(registry);
  metrics.adopt(table);
  const observe = observeNginxLine({ metrics });
  observe("shop.test\t/caf\\xC3\\xA9\tGET\t200\t0.012\t345");
  observe("shop.test\t\tPOST\t404\t0.000\t150"); // no route took it: the host's own series
  observe("\t\tGET\t404\t0.000\t150"); // the default server
  observe("shop.test\t/a\\x22b\tGET\t200\t0.012"); // not our format
  observe('{"time":"1"}');
  observe("shop.test\t/a\\x22b\tGET\tnot-a-status\t0.012\t345");
  const all = parseSamples(await registry.metrics());
  assert.equal(sumOf(all, "nginx_ingress_controller_requests", { path: "/café", status: "200", service: "web" }), 1);
  assert.equal(sumOf(all, "nginx_ingress_controller_requests", { path: "", status: "404", method: "POST" }), 1);
  assert.equal(sumOf(all, "nginx_ingress_controller_requests"), 2);
  assert.equal(sumOf(all, "nginx_ingress_controller_response_size_sum"), 495);
  assert.equal(sumOf(all, "nginx_ingress_controller_request_duration_seconds_sum"), 0.012);
});

test("with the access log the line's other fields make the entry; hostile values stay values", () => {
  const entries: AccessLogEntry[] = [];
  const observe = observeNginxLine({
    accessLog: { destination: "test", write: (e) => entries.push(e), reopen: async () => {}, close: async () => {} },
  });
  observe(
    "shop.test\t/a\\x22b\tGET\t101\t2.500\t9000\t1764255463.123\t127.0.0.1\tshop.test\t/a\\x22b/\\x09x\\x0A\\x5C?q=\\xC3\\xA9\t127.0.0.1:81, 127.0.0.1:82\tdefault/site",
  );
  observe("\t\t-\t400\t0.000\t150\t1764255463.200\t::1\tbad\\x22host\t-\t-\t");
  assert.deepEqual(entries[0], {
    time: 1764255463123,
    client: "127.0.0.1",
    host: "shop.test",
    method: "GET",
    path: '/a"b/\tx\n\\?q=é',
    status: 101,
    bytes: 9000,
    duration: 2.5,
    upstream: "127.0.0.1:82",
    route: "default/site",
  });
  assert.deepEqual(entries[1], {
    time: 1764255463200,
    client: "::1",
    host: 'bad"host',
    method: "-",
    path: "",
    status: 400,
    bytes: 150,
    duration: 0,
    upstream: null,
    route: null,
  });
  observe("shop.test\t/\tGET\t200\t0.001\t10"); // a metrics-only line: not this format
  assert.equal(entries.length, 2);
});
