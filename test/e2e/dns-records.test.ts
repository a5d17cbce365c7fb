/**
 * Every record kind of the Kubernetes DNS specification (schema 1.1.0), positive and negative,
 * asked of a running kdns with two real clients: dig and Node's dns.Resolver.
 */

import assert from "node:assert/strict";
import { Resolver } from "node:dns/promises";
import { after, before, test } from "node:test";
import type { Service } from "../../src/api/types.ts";
import { type DigResult, dig } from "../support/dig.ts";
import { waitFor } from "../support/wait-for.ts";
import { type DnsHarness, ENDPOINTS, PODS, SERVICES, startDnsHarness } from "./dns-harness.ts";

let h: DnsHarness;
let webIP = "";
const resolver = new Resolver({ timeout: 2000, tries: 1 });
const ask = (args: string[]): Promise<DigResult> => dig("127.0.0.1", h.port, args);
const datas = (r: DigResult, type?: string): string[] =>
  r.answer
    .filter((a) => !type || a.type === type)
    .map((a) => a.data)
    .sort();

async function pod(
  name: string,
  ip: string,
  labels: Record<string, string>,
  spec: Record<string, string> = {},
): Promise<void> {
  await h.client.create(PODS, "default", {
    metadata: { name, labels },
    spec: { ...spec, containers: [{ name: "c", image: "x", ports: [{ name: "http", containerPort: 8080 }] }] },
  });
  await h.client.patch(
    PODS,
    "default",
    name,
    { status: { phase: "Running", podIP: ip, podIPs: [{ ip }], conditions: [{ type: "Ready", status: "True" }] } },
    "application/merge-patch+json",
    "status",
  );
}

before(async () => {
  h = await startDnsHarness();
  resolver.setServers([`127.0.0.1:${h.port}`]);
  h.upstream.set("example.org", "A", { type: "answer", answers: [{ type: "A", ttl: 60, data: "192.0.2.80" }] });
  const web = await h.client.create<Service>(SERVICES, "default", {
    metadata: { name: "web" },
    spec: { selector: { app: "web" }, ports: [{ name: "http", port: 80, protocol: "TCP", targetPort: "http" }] },
  });
  webIP = web.spec?.clusterIP ?? "";
  await pod("web-1", "10.1.0.1", { app: "web" });
  await h.client.create(SERVICES, "default", {
    metadata: { name: "db" },
    spec: { clusterIP: "None", selector: { app: "db" }, ports: [{ name: "pg", port: 5432, protocol: "TCP" }] },
  });
  await pod("db-0", "10.1.1.1", { app: "db" }, { hostname: "db-0", subdomain: "db" });
  await pod("db-1", "10.1.1.2", { app: "db" }, { hostname: "db-1", subdomain: "db" });
  await h.client.create(SERVICES, "default", {
    metadata: { name: "empty" },
    spec: { clusterIP: "None", selector: { app: "nothing" }, ports: [{ port: 1, protocol: "TCP" }] },
  });
  await h.client.create(SERVICES, "default", {
    metadata: { name: "raw" },
    spec: { clusterIP: "None", ports: [{ name: "x", port: 9, protocol: "UDP" }] },
  });
  await h.client.create(ENDPOINTS, "default", {
    metadata: { name: "raw" },
    subsets: [
      {
        addresses: [{ ip: "10.1.2.3" }, { ip: "fd00::1", hostname: "six" }],
        ports: [{ name: "x", port: 9, protocol: "UDP" }],
      },
    ],
  });
  await h.client.create(SERVICES, "default", {
    metadata: { name: "ext" },
    spec: { type: "ExternalName", externalName: "example.org" },
  });
  await waitFor(async () => (await ask(["db.default.svc.cluster.local"])).answer.length === 2, {
    what: "headless db has 2 endpoints",
  });
});

after(async () => {
  await h?.close();
});

test("ClusterIP service: A with TTL 5 and AA; AAAA of an IPv4-only service is NODATA with the SOA", async () => {
  const a = await ask(["web.default.svc.cluster.local", "A"]);
  assert.equal(a.status, "NOERROR");
  assert.deepEqual(datas(a), [webIP]);
  assert.equal(a.answer[0]?.ttl, 5);
  assert.ok(a.flags.includes("aa"), `flags ${a.flags}`);
  const aaaa = await ask(["web.default.svc.cluster.local", "AAAA"]);
  assert.equal(aaaa.status, "NOERROR");
  assert.equal(aaaa.answer.length, 0);
  assert.equal(aaaa.authority[0]?.type, "SOA");
  assert.deepEqual(await resolver.resolve4("web.default.svc.cluster.local"), [webIP]);
  await assert.rejects(resolver.resolve6("web.default.svc.cluster.local"), { code: "ENODATA" });
});

test("NXDOMAIN for a missing service, with the zone SOA in authority", async () => {
  const r = await ask(["nope.default.svc.cluster.local"]);
  assert.equal(r.status, "NXDOMAIN");
  assert.equal(r.authority[0]?.type, "SOA");
  assert.equal(r.authority[0]?.name, "cluster.local.");
  await assert.rejects(resolver.resolve4("nope.default.svc.cluster.local"), { code: "ENOTFOUND" });
});

test("SRV for a named port, with the target's address in the additional section", async () => {
  const r = await ask(["_http._tcp.web.default.svc.cluster.local", "SRV"]);
  assert.equal(r.status, "NOERROR");
  assert.deepEqual(
    datas(r, "SRV").map((d) => d.split(" ").slice(2).join(" ")),
    ["80 web.default.svc.cluster.local."],
  );
  assert.deepEqual(
    r.additional.filter((x) => x.type === "A").map((x) => x.data),
    [webIP],
  );
  const srv = await resolver.resolveSrv("_http._tcp.web.default.svc.cluster.local");
  assert.deepEqual(
    srv.map((s) => [s.name, s.port]),
    [["web.default.svc.cluster.local", 80]],
  );
});

test("PTR of a cluster IP (in-addr.arpa)", async () => {
  const r = await ask(["-x", webIP]);
  assert.deepEqual(datas(r, "PTR"), ["web.default.svc.cluster.local."]);
  assert.deepEqual(await resolver.reverse(webIP), ["web.default.svc.cluster.local"]);
});

test("headless: one A per ready endpoint, hostname names, SRV per endpoint", async () => {
  assert.deepEqual(datas(await ask(["db.default.svc.cluster.local"])), ["10.1.1.1", "10.1.1.2"]);
  assert.deepEqual(datas(await ask(["db-0.db.default.svc.cluster.local"])), ["10.1.1.1"]);
  assert.deepEqual((await resolver.resolve4("db-1.db.default.svc.cluster.local")).sort(), ["10.1.1.2"]);
  const srv = await ask(["_pg._tcp.db.default.svc.cluster.local", "SRV"]);
  assert.deepEqual(
    datas(srv, "SRV").map((d) => d.split(" ").slice(2).join(" ")),
    ["5432 db-0.db.default.svc.cluster.local.", "5432 db-1.db.default.svc.cluster.local."],
  );
  assert.equal(srv.additional.filter((x) => x.type === "A").length, 2);
});

test("headless with no ready endpoint is NXDOMAIN", async () => {
  assert.equal((await ask(["empty.default.svc.cluster.local"])).status, "NXDOMAIN");
});

test("endpoint names: dashed IP without hostname, hostname with; AAAA and ip6.arpa PTR of an IPv6 endpoint", async () => {
  assert.deepEqual(datas(await ask(["10-1-2-3.raw.default.svc.cluster.local"])), ["10.1.2.3"]);
  assert.deepEqual(datas(await ask(["six.raw.default.svc.cluster.local", "AAAA"])), ["fd00::1"]);
  assert.deepEqual(await resolver.resolve6("raw.default.svc.cluster.local"), ["fd00::1"]);
  const ptr = await ask(["-x", "fd00::1"]);
  assert.match(ptr.question, /ip6\.arpa\. IN PTR/);
  assert.deepEqual(datas(ptr, "PTR"), ["six.raw.default.svc.cluster.local."]);
  assert.deepEqual(datas(await ask(["-x", "10.1.2.3"]), "PTR"), ["10-1-2-3.raw.default.svc.cluster.local."]);
});

test("pod records (verified): an existing pod's dashed IP answers, an unknown one is NXDOMAIN", async () => {
  assert.deepEqual(datas(await ask(["10-1-0-1.default.pod.cluster.local"])), ["10.1.0.1"]);
  assert.equal((await ask(["10-9-9-9.default.pod.cluster.local"])).status, "NXDOMAIN");
});

test("ExternalName: CNAME, chased through the upstream", async () => {
  const r = await ask(["ext.default.svc.cluster.local"]);
  assert.equal(r.status, "NOERROR");
  assert.deepEqual(datas(r, "CNAME"), ["example.org."]);
  assert.deepEqual(datas(r, "A"), ["192.0.2.80"]);
  assert.deepEqual(await resolver.resolveCname("ext.default.svc.cluster.local"), ["example.org"]);
});

test("dns-version TXT, SOA and NS at the apex", async () => {
  assert.deepEqual(datas(await ask(["dns-version.cluster.local", "TXT"])), ['"1.1.0"']);
  assert.deepEqual(await resolver.resolveTxt("dns-version.cluster.local"), [["1.1.0"]]);
  const soa = await ask(["cluster.local", "SOA"]);
  assert.equal(soa.answer[0]?.type, "SOA");
  assert.ok(soa.flags.includes("aa"));
  const ns = await ask(["cluster.local", "NS"]);
  assert.deepEqual(datas(ns, "NS"), ["ns.dns.cluster.local."]);
  assert.deepEqual(
    ns.additional.filter((x) => x.type === "A").map((x) => x.data),
    ["127.0.0.1"],
  );
});

test("mixed case: found, and the question echoed exactly", async () => {
  const r = await ask(["WeB.DeFaUlT.sVc.ClUsTeR.lOcAl"]);
  assert.equal(r.status, "NOERROR");
  assert.equal(r.question, "WeB.DeFaUlT.sVc.ClUsTeR.lOcAl. IN A");
  assert.deepEqual(datas(r), [webIP]);
});

test("a new Service is answered within a short time", async () => {
  const t0 = performance.now();
  const svc = await h.client.create<Service>(SERVICES, "default", {
    metadata: { name: "late" },
    spec: { ports: [{ port: 80, protocol: "TCP" }] },
  });
  const r = await waitFor(
    async () => {
      const a = await ask(["late.default.svc.cluster.local"]);
      return a.status === "NOERROR" ? a : undefined;
    },
    { timeoutMs: 5000, what: "late answered" },
  );
  assert.deepEqual(datas(r), [svc.spec?.clusterIP]);
  assert.ok(performance.now() - t0 < 5000);
});

test("a non-cluster name goes to the upstream", async () => {
  h.upstream.set("outside.test", "A", { type: "answer", answers: [{ type: "A", ttl: 30, data: "192.0.2.7" }] });
  const r = await ask(["outside.test"]);
  assert.deepEqual(datas(r), ["192.0.2.7"]);
  assert.ok(!r.flags.includes("aa"));
});
