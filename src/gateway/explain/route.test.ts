import assert from "node:assert/strict";
import { createServer, request } from "node:http";
import { after, before, test } from "node:test";
import { listenOrFail } from "../../../test/support/listen.ts";
import { startTestCa, type TestCa, tlsSecret } from "../../../test/support/test-pki.ts";
import type { DNSRecord, Endpoints, Service } from "../../api/types.ts";
import { type BuiltinEngine, startBuiltinEngine } from "../builtin/engine.ts";
import type { GatewayEngine } from "../engine.ts";
import { buildRouteTable } from "../routes/build.ts";
import { dnsRecordRoutes } from "../routes/from-dns-record.ts";
import type { RouteTable } from "../routes/model.ts";
import { parseTlsSecret } from "../tls/certificate.ts";
import { explainRoute, type RouteExplanation } from "./index.ts";

const backend = createServer((_req, res) => res.end("ok"));
let port = 0;
/** A loopback port nothing listens on (a backend that refuses: 502). */
let closedPort = 0;
let ca: TestCa;
let engine: BuiltinEngine;
let table: RouteTable;

function record(
  name: string,
  host: string,
  paths: DNSRecord["spec"]["paths"],
  tls?: DNSRecord["spec"]["tls"],
): DNSRecord {
  return {
    apiVersion: "kdns.dev/v1",
    kind: "DNSRecord",
    metadata: { name, namespace: "shop", creationTimestamp: "2024-01-01T00:00:00Z" },
    spec: { host, paths, ...(tls ? { tls } : {}) },
  };
}

const empty: Service = {
  apiVersion: "v1",
  kind: "Service",
  metadata: { name: "empty", namespace: "shop" },
  spec: { ports: [{ port: 80 }] },
};
const emptyEndpoints: Endpoints = {
  apiVersion: "v1",
  kind: "Endpoints",
  metadata: { name: "empty", namespace: "shop" },
};

/** A Service `name` whose Endpoints hold `ready` and `notReady` addresses on the backend's port. */
function service(name: string, ready: string[], notReady: string[]): { svc: Service; eps: Endpoints } {
  return {
    svc: { ...empty, metadata: { name, namespace: "shop" } },
    eps: {
      ...emptyEndpoints,
      metadata: { name, namespace: "shop" },
      subsets: [
        {
          addresses: ready.map((ip) => ({ ip })),
          notReadyAddresses: notReady.map((ip) => ({ ip })),
          ports: [{ port }],
        },
      ],
    },
  };
}

before(async () => {
  await listenOrFail(backend, 0, "127.0.0.1");
  port = (backend.address() as { port: number }).port;
  const probe = createServer();
  await listenOrFail(probe, 0, "127.0.0.1");
  closedPort = (probe.address() as { port: number }).port;
  await new Promise((r) => probe.close(r));
  ca = await startTestCa();
  const mixed = service("mixed", ["127.0.0.1"], ["127.0.0.3", "127.0.0.2"]);
  const waiting = service("waiting", [], ["127.0.0.4"]);
  const cert = await ca.issue(["secure.test"]);
  engine = await startBuiltinEngine({ host: "127.0.0.1", port: 0, tls: { host: "127.0.0.1", port: 0 } });
  table = buildRouteTable({
    sources: [
      record("site", "site.test", [
        { path: "/api", address: "127.0.0.1", port },
        { path: "/down", address: "127.0.0.1", port: closedPort },
        { path: "/empty", service: "empty", port: 80 },
        { path: "/mixed", service: "mixed", port: 80 },
        { path: "/waiting", service: "waiting", port: 80 },
      ]),
      record("secure", "secure.test", [{ path: "/", address: "127.0.0.1", port }], { secretName: "secure-tls" }),
    ].map(dnsRecordRoutes),
    services: [empty, mixed.svc, waiting.svc],
    endpoints: [emptyEndpoints, mixed.eps, waiting.eps],
    secrets: new Map([
      ["shop/secure-tls", parseTlsSecret(tlsSecret("secure-tls", cert.cert, cert.key, { namespace: "shop" }))],
    ]),
    https: true,
  });
  assert.equal((await engine.apply(table)).type, "applied");
});

after(async () => {
  await engine.close();
  await ca.close();
  backend.close();
});

const cases: { name: string; url: string; want: Partial<RouteExplanation>; reason: RegExp }[] = [
  {
    name: "a matched prefix is proxied (the backend's 200), prefix removed",
    url: "http://site.test/api/items?x=1",
    want: { outcome: "proxied", object: "DNSRecord shop/site", prefix: "/api", rewrittenPath: "/items?x=1" },
    reason: /the next request goes to 127\.0\.0\.1:/,
  },
  {
    name: "an unknown host is 404",
    url: "http://nowhere.test/",
    want: { outcome: "no-host", status: 404 },
    reason: /no DNSRecord, Ingress or HTTPRoute serves host nowhere\.test/,
  },
  {
    name: "a path no prefix matches is 404",
    url: "http://site.test/apix",
    want: { outcome: "no-path", status: 404 },
    reason:
      /serves only prefix \/waiting; prefix \/empty; prefix \/mixed; prefix \/down; prefix \/api; none matches \/apix/,
  },
  {
    name: "a service with no ready endpoints is 503",
    url: "http://site.test/empty/",
    want: { outcome: "unavailable", status: 503, prefix: "/empty" },
    reason: /no ready backend: service shop\/empty has no ready endpoints/,
  },
  {
    name: "not-ready endpoints are listed apart and not routed to",
    url: "http://site.test/mixed/x",
    want: { outcome: "proxied", notReady: ["127.0.0.2:PORT", "127.0.0.3:PORT"], next: "127.0.0.1:PORT" },
    reason: /^2 not-ready backends \(127\.0\.0\.2:\d+, 127\.0\.0\.3:\d+\): not routed to until ready$/,
  },
  {
    name: "a service with only not-ready endpoints is 503, and says which are waiting",
    url: "http://site.test/waiting/",
    want: { outcome: "unavailable", status: 503, notReady: ["127.0.0.4:PORT"] },
    reason: /^1 not-ready backend \(127\.0\.0\.4:\d+\): not routed to until ready$/,
  },
  {
    name: "a backend refusing connections is 502",
    url: "http://site.test/down/x",
    want: { outcome: "bad-gateway", status: 502 },
    reason: /does not accept connections \(ECONNREFUSED\): the gateway answers 502/,
  },
  {
    name: "plain HTTP to a host served over HTTPS is redirected",
    url: "http://secure.test/a",
    want: { outcome: "redirect", status: 308 },
    reason: /served over HTTPS with a redirect/,
  },
  {
    name: "https names the certificate",
    url: "https://secure.test/a",
    want: { outcome: "proxied", rewrittenPath: "/a" },
    reason: /routes to 127\.0\.0\.1:/,
  },
  {
    name: "https to a host without a certificate is 404",
    url: "https://site.test/api",
    want: { outcome: "no-host", status: 404 },
    reason: /has no certificate, so it is not served over HTTPS/,
  },
];

for (const c of cases) {
  test(`explain route: ${c.name}`, async () => {
    const got = await explainRoute(engine, table, c.url);
    // PORT: the backend's port, known once it listens.
    const withPort = (v: unknown): unknown => JSON.parse(JSON.stringify(v).replaceAll("PORT", String(port)));
    for (const [k, v] of Object.entries(c.want)) assert.deepEqual(got[k as keyof RouteExplanation], withPort(v), k);
    assert.ok(
      got.reasons.some((r) => c.reason.test(r)),
      got.reasons.join("\n"),
    );
    if (c.url.startsWith("https://secure.test")) {
      assert.equal(got.certificate?.secret, "shop/secure-tls");
      assert.deepEqual(got.certificate?.names, ["secure.test"]);
    }
  });
}

test("explain route does not move the round-robin cursor, and names the backend the next request takes", async () => {
  const two = buildRouteTable({
    sources: [dnsRecordRoutes(record("rr", "rr.test", [{ path: "/", service: "pair", port: 80 }]))],
    services: [{ ...empty, metadata: { name: "pair", namespace: "shop" } }],
    endpoints: [
      {
        ...emptyEndpoints,
        metadata: { name: "pair", namespace: "shop" },
        subsets: [{ addresses: [{ ip: "127.0.0.1" }, { ip: "127.0.0.2" }], ports: [{ port }] }],
      },
    ],
  });
  await engine.apply(two);
  const first = await explainRoute(engine, two, "http://rr.test/");
  const again = await explainRoute(engine, two, "http://rr.test/");
  assert.equal(first.next, again.next);
  const status = await new Promise<number | undefined>((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port: engine.port, path: "/", headers: { host: "rr.test" } }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode));
    });
    req.on("error", reject);
    req.end();
  });
  assert.equal(status, 200);
  const after = await explainRoute(engine, two, "http://rr.test/");
  assert.notEqual(after.next, first.next);
  await engine.apply(table);
});

test("for nginx (no live lookup), the same table decides, and the balancing is nginx's", async () => {
  const nginx: GatewayEngine = {
    kind: "nginx",
    listen: "127.0.0.1:1",
    apply: async () => ({ type: "applied" }),
    close: async () => undefined,
  };
  const got = await explainRoute(nginx, table, "http://site.test/api/x");
  assert.equal(got.outcome, "proxied");
  assert.equal(got.engine, "nginx");
  assert.ok(
    got.reasons.some((r) => /balanced round-robin by nginx/.test(r)),
    got.reasons.join("\n"),
  );
  const https = await explainRoute(nginx, table, "https://site.test/api/x");
  assert.deepEqual(https.reasons, ["the gateway has no HTTPS listener (--gateway-tls-listen none)"]);
});

test("a URL explain cannot read is refused with the value", async () => {
  await assert.rejects(explainRoute(engine, table, "ftp://x/"), /"ftp:\/\/x\/" is not an http or https URL/);
});
