/**
 * `kdns explain` against a real `kdns up`: text, `-o json` and `-o yaml` of the running DNS
 * server's and gateway's answers, `--from` a pod's IP, and one readable line with a non-zero
 * exit for bad input.
 */
import assert from "node:assert/strict";
import { resolve } from "node:path";
import { after, before, test } from "node:test";
import { parse } from "yaml";
import { type FakeUpstream, startFakeUpstream } from "../support/fake-upstream.ts";
import { freePort } from "../support/free-port.ts";
import { gatewayArgs, type KdnsRun, type KdnsUp, runKdns, startKdnsUp } from "../support/kdns-up.ts";
import { waitFor } from "../support/wait-for.ts";

let up: KdnsUp | undefined;
let upstream: FakeUpstream | undefined;

const kdns = (...args: string[]): Promise<KdnsRun> => runKdns([...args, "--server", up!.server]);

before(async () => {
  upstream = await startFakeUpstream();
  upstream.set("example.org", "A", { type: "answer", answers: [{ type: "A", ttl: 300, data: "192.0.2.7" }] });
  up = await startKdnsUp({
    args: [
      "--store",
      "memory",
      "--api-listen",
      `127.0.0.1:${await freePort()}`,
      "--dns-listen",
      `127.0.0.1:${await freePort()}`,
      "--upstream",
      `${upstream.host}:${upstream.port}`,
      ...gatewayArgs(await freePort()),
    ],
    readyLine: /console at /,
  });
  const applied = await kdns("apply", "-f", resolve(import.meta.dirname, "../../examples"));
  assert.equal(applied.code, 0, applied.stderr);
});

after(async () => {
  await up?.stop();
  await upstream?.close();
});

test("explain dns prints the answer, the plugin and the object, as text", async () => {
  const r = await kdns("explain", "dns", "web.shop.svc.cluster.local");
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^web\.shop\.svc\.cluster\.local A \(asked as 127\.0\.0\.1\): NOERROR, authoritative$/m);
  assert.match(r.stdout, /^Answered by: kubernetes$/m);
  assert.match(r.stdout, /from Service shop\/web/);
});

test("explain dns of a headless service lists its endpoints with their pods and readiness", async () => {
  const post = (path: string, body: unknown) =>
    fetch(`${up!.server}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
  const svc = await post("/api/v1/namespaces/shop/services", {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: "cache", namespace: "shop" },
    spec: { clusterIP: "None", ports: [{ port: 6379 }] },
  });
  assert.equal(svc.status, 201);
  const eps = await post("/api/v1/namespaces/shop/endpoints", {
    apiVersion: "v1",
    kind: "Endpoints",
    metadata: { name: "cache", namespace: "shop" },
    subsets: [
      {
        addresses: [
          { ip: "10.1.0.20", hostname: "cache-0", targetRef: { kind: "Pod", name: "cache-0", namespace: "shop" } },
        ],
        notReadyAddresses: [{ ip: "10.1.0.21", targetRef: { kind: "Pod", name: "cache-1", namespace: "shop" } }],
        ports: [{ port: 6379 }],
      },
    ],
  });
  assert.equal(eps.status, 201);
  const r = await waitFor(
    async () => {
      const out = await kdns("explain", "dns", "cache.shop.svc.cluster.local");
      return out.stdout.includes("NOERROR") ? out : undefined;
    },
    { timeoutMs: 30_000, what: "DNS to learn of shop/cache" },
  );
  assert.match(r.stdout, /^ {2}cache\.shop\.svc\.cluster\.local {2}5 {2}A {2}10\.1\.0\.20$/m);
  assert.match(r.stdout, /^ {2}shop\/cache {2}10\.1\.0\.20 \(hostname cache-0, pod cache-0\) {2}ready$/m);
  assert.match(r.stdout, /^ {2}shop\/cache {2}10\.1\.0\.21 \(pod cache-1\) {2}not ready$/m);
});

test("explain dns -o json and -o yaml carry the same explanation", async () => {
  const json = JSON.parse((await kdns("explain", "dns", "wbe.shop.svc.cluster.local", "-o", "json")).stdout);
  assert.equal(json.rcode, "NXDOMAIN");
  assert.equal(json.suggestion, "did you mean `web`?");
  const yaml = parse((await kdns("explain", "dns", "wbe.shop.svc.cluster.local", "-o", "yaml")).stdout);
  assert.deepEqual(yaml, json);
});

test("explain dns forwards a name through the upstream and says which", async () => {
  const json = JSON.parse((await kdns("explain", "dns", "example.org", "-o", "json")).stdout);
  assert.equal(json.answeredBy, "forward");
  assert.equal(json.upstream, `${upstream!.host}:${upstream!.port}`);
  assert.deepEqual(
    json.answers.map((a: { data: string }) => a.data),
    ["192.0.2.7"],
  );
});

test("explain dns --from a pod's IP walks its search list", async () => {
  const r = await kdns("explain", "dns", "web", "--from", "10.1.0.5");
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Asked from a pod in namespace shop/);
  assert.match(r.stdout, /web\.shop\.svc\.cluster\.local\s+NOERROR \(1 records\)/);
  const unknown = await kdns("explain", "dns", "web", "--from", "10.9.9.9");
  assert.equal(unknown.code, 1);
  assert.equal(unknown.stderr.trim(), "Error from server (NotFound): no pod has IP 10.9.9.9: --from takes a pod's IP");
});

test("explain route prints the route, the rewritten path, the backends and why a dead backend is 502", async () => {
  // A loopback port nothing listens on: the backend the next request would take refuses.
  const port = await freePort();
  const created = await fetch(`${up!.server}/apis/kdns.dev/v1/namespaces/shop/dnsrecords`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      apiVersion: "kdns.dev/v1",
      kind: "DNSRecord",
      metadata: { name: "docs", namespace: "shop" },
      spec: { host: "docs.example.com", paths: [{ path: "/guide", address: "127.0.0.1", port }] },
    }),
  });
  assert.equal(created.status, 201);
  const r = await waitFor(
    async () => {
      const out = await kdns("explain", "route", "http://docs.example.com/guide/start");
      return out.stdout.includes("Route:") ? out : undefined;
    },
    { timeoutMs: 30_000, what: "the gateway to serve docs.example.com" },
  );
  assert.match(r.stdout, /^http:\/\/docs\.example\.com\/guide\/start: 502 \(bad-gateway\)/m);
  assert.match(r.stdout, /^Route: {5}DNSRecord shop\/docs, prefix \/guide → 127\.0\.0\.1:\d+$/m);
  assert.match(r.stdout, /^Path: {6}\/guide\/start → \/start/m);
  assert.match(r.stdout, /does not accept connections \(ECONNREFUSED\): the gateway answers 502/);
  const missing = JSON.parse((await kdns("explain", "route", "http://shop.example.com/nope", "-o", "json")).stdout);
  assert.equal(missing.status, 404);
  assert.equal(missing.outcome, "no-path");
});

test("explain route lists a Service's not-ready endpoints apart from the ready ones it routes to", async () => {
  const post = async (path: string, body: object) => {
    const res = await fetch(`${up!.server}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    assert.equal(res.status, 201, await res.text());
  };
  await post("/api/v1/namespaces/shop/services", {
    metadata: { name: "half", namespace: "shop" },
    spec: { ports: [{ port: 80, targetPort: 8080 }] },
  });
  await post("/api/v1/namespaces/shop/endpoints", {
    metadata: { name: "half", namespace: "shop" },
    subsets: [{ addresses: [{ ip: "10.1.0.30" }], notReadyAddresses: [{ ip: "10.1.0.31" }], ports: [{ port: 8080 }] }],
  });
  await post("/apis/kdns.dev/v1/namespaces/shop/dnsrecords", {
    apiVersion: "kdns.dev/v1",
    kind: "DNSRecord",
    metadata: { name: "half", namespace: "shop" },
    spec: { host: "half.example.com", paths: [{ path: "/", service: "half", port: 80 }] },
  });
  const r = await waitFor(
    async () => {
      const out = await kdns("explain", "route", "http://half.example.com/");
      return out.stdout.includes("Not ready:") ? out : undefined;
    },
    { timeoutMs: 30_000, what: "the gateway to serve half.example.com" },
  );
  assert.match(r.stdout, /^Backends: {2}10\.1\.0\.30:8080; next: 10\.1\.0\.30:8080$/m);
  assert.match(r.stdout, /^Not ready: 10\.1\.0\.31:8080 \(not routed to\)$/m);
});

test("bad input is one line on stderr and a non-zero exit", async () => {
  const badType = await kdns("explain", "dns", "web", "BOGUS");
  assert.equal(badType.code, 1);
  assert.match(
    badType.stderr.trim(),
    /^Error from server \(BadRequest\): record type "BOGUS" is not one explain knows/,
  );
  const badUrl = await kdns("explain", "route", "ftp://x/");
  assert.equal(badUrl.code, 1);
  assert.equal(badUrl.stderr.trim(), 'Error from server (BadRequest): "ftp://x/" is not an http or https URL');
});
