/**
 * The gateway's metrics and access log, both engines, against real requests: the families carry
 * the names, types, labels and buckets ingress-nginx's documentation and code give them (the list
 * below is taken from there, not from kdns's code), the `path` label is the route's prefix, hosts
 * the gateway does not serve are not counted, and every request is one access-log entry.
 */
import assert from "node:assert/strict";
import { connect } from "node:net";
import { after, before, describe, test } from "node:test";
import { Registry } from "prom-client";
import type { AccessLogEntry } from "../../src/gateway/access-log/entry.ts";
import type { AccessLog } from "../../src/gateway/index.ts";
import { parseSamples, type Series, sumOf } from "../support/prom-text.ts";
import { rawRequest } from "../support/raw-http.ts";
import { waitFor } from "../support/wait-for.ts";
import {
  DNSRECORDS,
  dnsRecord,
  ENDPOINTS,
  type GatewayHarness,
  http,
  SERVICES,
  startEcho,
  startGatewayHarness,
} from "./gateway-harness.ts";

/**
 * ingress-nginx's families (docs/user-guide/monitoring.md) and their labels: the request labels of
 * collectors/socket.go (`status, method, path, namespace, ingress, service, canary`, plus `host`
 * with --metrics-per-host, its default) and the constant controller labels.
 */
const CONTROLLER_LABELS = ["controller_namespace", "controller_class", "controller_pod"];
const REQUEST_LABELS = [
  ...CONTROLLER_LABELS,
  "status",
  "method",
  "path",
  "namespace",
  "ingress",
  "service",
  "canary",
  "host",
];
const INGRESS_NGINX_FAMILIES: Record<string, { type: string; labels: string[] }> = {
  nginx_ingress_controller_requests: { type: "counter", labels: REQUEST_LABELS },
  nginx_ingress_controller_request_duration_seconds: { type: "histogram", labels: REQUEST_LABELS },
  nginx_ingress_controller_response_size: { type: "histogram", labels: REQUEST_LABELS },
  nginx_ingress_controller_config_last_reload_successful: { type: "gauge", labels: CONTROLLER_LABELS },
  nginx_ingress_controller_config_last_reload_successful_timestamp_seconds: {
    type: "gauge",
    labels: CONTROLLER_LABELS,
  },
};
/** `--time-buckets` and `--length-buckets` defaults from the same page (response_size takes the length buckets in socket.go). */
const TIME_BUCKETS = ["0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "10", "+Inf"];
const LENGTH_BUCKETS = ["10", "20", "30", "40", "50", "60", "70", "80", "90", "100", "+Inf"];

for (const engine of ["builtin", "nginx"] as const) {
  describe(`${engine} engine`, () => {
    let h: GatewayHarness;
    let echo: Awaited<ReturnType<typeof startEcho>>;
    const registry = new Registry();
    const entries: AccessLogEntry[] = [];
    const accessLog: AccessLog = {
      destination: "test",
      write: (e) => void entries.push(e),
      reopen: async () => {},
      close: async () => {},
    };
    const series = async (): Promise<Series[]> => parseSamples(await registry.metrics());

    before(async () => {
      echo = await startEcho("E");
      h = await startGatewayHarness(engine, { metrics: registry, accessLog });
      await h.client.create(SERVICES, "default", {
        metadata: { name: "web" },
        spec: { ports: [{ port: 80, protocol: "TCP" }] },
      });
      await h.client.create(ENDPOINTS, "default", {
        metadata: { name: "web" },
        subsets: [{ addresses: [{ ip: "127.0.0.1" }], ports: [{ port: echo.port, protocol: "TCP" }] }],
      });
      await h.client.create(
        DNSRECORDS,
        "default",
        dnsRecord("site", "shop.test", [
          { path: "/api", service: "web", port: 80 },
          { path: "/static", address: "127.0.0.1", port: echo.port },
        ]),
      );
      await h.served("site");
      await waitFor(async () => (await http(h.port, "shop.test", "/api/x")).status === 200, { what: "route live" });
    });
    after(async () => {
      await h?.close();
      await echo?.close();
    });

    test("requests are counted per route with ingress-nginx's names, types, labels and buckets", async () => {
      assert.equal((await http(h.port, "shop.test", "/api/items?page=2")).status, 200);
      assert.equal((await http(h.port, "shop.test", "/static/a.css", { method: "POST", body: "x" })).status, 200);
      assert.equal((await http(h.port, "shop.test", "/nowhere")).status, 404);
      assert.equal((await http(h.port, "other.test", "/api")).status, 404);
      // nginx's lines arrive over UDP after the responses, from any of its workers: wait for each.
      await waitFor(
        async () => {
          const now = await series();
          const counted = (match: Record<string, string>) => sumOf(now, "nginx_ingress_controller_requests", match);
          return (
            counted({ status: "404", path: "" }) === 1 &&
            counted({ method: "POST" }) === 1 &&
            counted({ path: "/api" }) >= 2
          );
        },
        { what: "the three requests counted" },
      );
      const text = await registry.metrics();
      const all = parseSamples(text);
      for (const [family, { type, labels }] of Object.entries(INGRESS_NGINX_FAMILIES)) {
        assert.match(text, new RegExp(`^# TYPE ${family} ${type}$`, "m"), `${family} is a ${type}`);
        const found = all.filter((s) => s.name === family || s.name.startsWith(`${family}_`));
        assert.ok(found.length > 0, `${family} is exported`);
        for (const s of found)
          assert.deepEqual(
            Object.keys(s.labels)
              .filter((k) => k !== "le")
              .sort(),
            [...labels].sort(),
            `${s.name} has ingress-nginx's labels`,
          );
      }
      assert.doesNotMatch(
        text,
        /nginx_ingress_controller_requests_total/,
        "the counter has no _total, as in ingress-nginx",
      );
      const api = {
        status: "200",
        method: "GET",
        path: "/api",
        namespace: "default",
        ingress: "site",
        service: "web",
        canary: "",
        host: "shop.test",
      };
      assert.ok(sumOf(all, "nginx_ingress_controller_requests", api) >= 2, "GET /api (the path label is the prefix)");
      assert.equal(
        sumOf(all, "nginx_ingress_controller_requests", {
          status: "200",
          method: "POST",
          path: "/static",
          ingress: "site",
          service: "",
        }),
        1,
      );
      assert.equal(sumOf(all, "nginx_ingress_controller_requests", { status: "404", path: "", ingress: "" }), 1);
      assert.equal(all.filter((s) => s.labels.host === "other.test").length, 0, "a host not served is not counted");
      const les = (name: string) =>
        all.filter((s) => s.name === `${name}_bucket` && s.labels.method === "POST").map((s) => s.labels.le);
      assert.deepEqual(les("nginx_ingress_controller_request_duration_seconds"), TIME_BUCKETS);
      assert.deepEqual(les("nginx_ingress_controller_response_size"), LENGTH_BUCKETS);
      assert.ok(sumOf(all, "nginx_ingress_controller_response_size_sum", { method: "POST" }) > 100, "head and body");
      assert.equal(sumOf(all, "nginx_ingress_controller_config_last_reload_successful"), 1);
      const reloaded = sumOf(all, "nginx_ingress_controller_config_last_reload_successful_timestamp_seconds");
      assert.ok(Math.abs(reloaded - Date.now() / 1000) < 300, `a recent reload time (${reloaded})`);
      assert.ok(sumOf(all, "kdns_gateway_route_change_seconds_count") >= 1, "the record's change was timed");
    });

    test("a route change is timed from the change to the new configuration serving", async () => {
      const count = async () => sumOf(await series(), "kdns_gateway_route_change_seconds_count");
      const was = await count();
      await h.client.create(
        DNSRECORDS,
        "default",
        dnsRecord("late", "late.test", [{ path: "/", address: "127.0.0.1", port: echo.port }]),
      );
      await h.served("late");
      await waitFor(async () => (await count()) > was, { what: "the change counted" });
      const all = await series();
      const seconds = sumOf(all, "kdns_gateway_route_change_seconds_sum");
      assert.ok(seconds > 0 && seconds < 60, `plausible durations (${seconds} s in all)`);
    });

    test("a WebSocket upgrade counts once, when its connection closes: status 101, the route's labels, the tunnel's bytes", async () => {
      entries.length = 0;
      const payload = "x".repeat(1000);
      const reply = await new Promise<string>((resolve, reject) => {
        const sock = connect(h.port, "127.0.0.1", () =>
          sock.write(
            "GET /api/ws HTTP/1.1\r\nhost: shop.test\r\nupgrade: websocket\r\nconnection: Upgrade\r\nsec-websocket-version: 13\r\nsec-websocket-key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n",
          ),
        );
        let text = "";
        sock.on("data", (c: Buffer) => {
          const first = !text.includes("\r\n\r\n");
          text += c.toString();
          if (first && text.includes("\r\n\r\n")) sock.write(payload);
          if (text.endsWith(payload)) sock.end();
        });
        sock.on("close", () => resolve(text));
        sock.on("error", reject);
      });
      assert.match(reply, /^HTTP\/1\.1 101/);
      const upgrade = {
        status: "101",
        method: "GET",
        path: "/api",
        namespace: "default",
        ingress: "site",
        service: "web",
        host: "shop.test",
      };
      await waitFor(async () => sumOf(await series(), "nginx_ingress_controller_requests", upgrade) === 1, {
        what: "the upgrade counted",
      });
      const all = await series();
      const size = sumOf(all, "nginx_ingress_controller_response_size_sum", upgrade);
      assert.ok(size >= payload.length + 50, `the head and the tunnel's bytes (${size})`);
      assert.equal(sumOf(all, "nginx_ingress_controller_response_size_count", upgrade), 1);
      await waitFor(() => entries.some((e) => e.status === 101), { what: "the upgrade logged" });
      const e = entries.filter((x) => x.status === 101);
      assert.equal(e.length, 1, JSON.stringify(entries));
      assert.equal(e[0]!.path, "/api/ws");
      assert.equal(e[0]!.route, "default/site");
      assert.equal(e[0]!.upstream, `127.0.0.1:${echo.port}`);
      assert.equal(e[0]!.bytes, size);
      // A refused upgrade is an ordinary answer: counted under the host, as nginx counts it.
      const missed = async () =>
        sumOf(await series(), "nginx_ingress_controller_requests", { status: "404", path: "", host: "shop.test" });
      const before = await missed();
      const refused = await rawRequest(
        h.port,
        "GET /nowhere HTTP/1.1\r\nhost: shop.test\r\nupgrade: websocket\r\nconnection: Upgrade\r\n\r\n",
      );
      refused.client.destroy();
      assert.equal(refused.response.status, 404);
      await waitFor(async () => (await missed()) === before + 1, { what: "the refused upgrade counted" });
    });

    test("every request is one access-log entry with the route, the backend and the figures", async () => {
      entries.length = 0;
      assert.equal((await http(h.port, "shop.test", "/api/log?q=1")).status, 200);
      assert.equal((await http(h.port, "other.test", "/x")).status, 404);
      await waitFor(() => entries.length >= 2, { what: "two entries" });
      const ok = entries.find((e) => e.path === "/api/log?q=1");
      assert.ok(ok, JSON.stringify(entries));
      assert.equal(ok.status, 200);
      assert.equal(ok.method, "GET");
      assert.equal(ok.host, "shop.test");
      assert.equal(ok.client, "127.0.0.1");
      assert.equal(ok.route, "default/site");
      assert.equal(ok.upstream, `127.0.0.1:${echo.port}`);
      assert.ok(ok.bytes > 100, `bytes sent, head included (${ok.bytes})`);
      assert.ok(ok.duration >= 0 && ok.duration < 10);
      assert.ok(Math.abs(ok.time - Date.now()) < 60_000);
      const miss = entries.find((e) => e.host === "other.test");
      assert.ok(miss, JSON.stringify(entries));
      assert.equal(miss.status, 404);
      assert.equal(miss.route, null);
      assert.equal(miss.upstream, null);
    });
  });
}

test("the gateway's informers show in kdns_informer_synced and kdns_informer_objects as component gateway", async () => {
  const registry = new Registry();
  const h = await startGatewayHarness("builtin", { metrics: registry });
  try {
    await h.client.create(
      DNSRECORDS,
      "default",
      dnsRecord("one", "one.test", [{ path: "/", address: "127.0.0.1", port: 9 }]),
    );
    await h.served("one");
    const all = parseSamples(await registry.metrics());
    const resources = ["dnsrecords", "services", "endpoints", "secrets", "ingresses", "ingressclasses"];
    resources.push("gatewayclasses", "gateways", "httproutes", "referencegrants", "namespaces");
    for (const resource of resources)
      assert.equal(sumOf(all, "kdns_informer_synced", { component: "gateway", resource }), 1, resource);
    assert.equal(sumOf(all, "kdns_informer_objects", { component: "gateway", resource: "dnsrecords" }), 1);
  } finally {
    await h.close();
  }
});
