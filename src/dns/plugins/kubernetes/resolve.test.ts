/**
 * The cluster-zone behaviours of docs/dns-behaviour.md, each test named by its row numbers there,
 * resolved against kdns's records on a fixture shaped like CoreDNS's kubernetes plugin tests
 * (namespace testns: svc1, svcempty, svc6, hdls1, hdlsprtls, external, …).
 */

import assert from "node:assert/strict";
import { test } from "node:test";
import type { KubeObject } from "../../../api/types.ts";
import { QTYPE, RCODE } from "../../wire/constants.ts";
import { ClusterRecords } from "./cluster-records.ts";
import { type EndpointsInfo, type ServiceInfo, stripEndpoints, stripService } from "./model.ts";
import { reverseName } from "./names.ts";
import { type ClusterZoneConfig, type Resolution, resolve } from "./resolve.ts";
import { zoneRecords } from "./zone-records.ts";

const zone = "cluster.local";
const cfg: ClusterZoneConfig = { zone, ttl: 5, pods: "verified" };

function svc(ns: string, name: string, spec: Record<string, unknown>): KubeObject {
  return { apiVersion: "v1", kind: "Service", metadata: { namespace: ns, name }, spec };
}
function eps(
  ns: string,
  name: string,
  addresses: { ip: string; hostname?: string }[],
  ports: { name?: string; port: number; protocol?: string }[],
): KubeObject {
  return { apiVersion: "v1", kind: "Endpoints", metadata: { namespace: ns, name }, subsets: [{ addresses, ports }] };
}
const http = [{ name: "http", port: 80, protocol: "TCP" }];

/** ClusterRecords over plain maps, the way the plugin feeds it from its informers. */
class Objects {
  readonly services = new Map<string, ServiceInfo>();
  readonly endpoints = new Map<string, EndpointsInfo>();
  readonly records = new ClusterRecords(zone, zoneRecords(zone, 5, 1, ["10.0.0.10"]), {
    service: (ns, name) => this.services.get(`${ns}/${name}`),
    endpoints: (ns, name) => this.endpoints.get(`${ns}/${name}`),
    hasPod: (ns, ip) => ns === "podns" && ip === "10.240.0.1",
  });

  put(s: KubeObject, e?: KubeObject): void {
    const info = stripService(s);
    const key = `${info.namespace}/${info.name}`;
    const before = { svc: this.services.get(key), eps: this.endpoints.get(key) };
    this.services.set(key, info);
    if (e) this.endpoints.set(key, stripEndpoints(e));
    this.records.changed(info.namespace, info.name, before);
  }

  remove(ns: string, name: string): void {
    const key = `${ns}/${name}`;
    const before = { svc: this.services.get(key), eps: this.endpoints.get(key) };
    this.services.delete(key);
    this.endpoints.delete(key);
    this.records.changed(ns, name, before);
  }
}

function fixture(): ClusterRecords {
  const objects = new Objects();
  const services: [KubeObject, KubeObject | undefined][] = [
    [
      svc("testns", "svc1", { clusterIP: "10.0.0.1", ports: http }),
      eps("testns", "svc1", [{ ip: "172.0.0.1", hostname: "ep1a" }], http),
    ],
    [svc("testns", "svcempty", { clusterIP: "10.0.0.1", ports: http }), undefined],
    [svc("testns", "svc6", { clusterIP: "1234:abcd::1", ports: http }), undefined],
    [
      svc("testns", "hdls1", { clusterIP: "None", ports: http }),
      eps(
        "testns",
        "hdls1",
        [
          { ip: "172.0.0.2" },
          { ip: "172.0.0.3" },
          { ip: "172.0.0.4", hostname: "dup-name" },
          { ip: "172.0.0.5", hostname: "dup-name" },
          { ip: "5678:abcd::1" },
          { ip: "5678:abcd::2" },
        ],
        http,
      ),
    ],
    [svc("testns", "hdlsprtls", { clusterIP: "None" }), eps("testns", "hdlsprtls", [{ ip: "172.0.0.20" }], [])],
    [svc("testns", "external", { type: "ExternalName", externalName: "ext.interwebs.test" }), undefined],
    [
      svc("testns", "external-to-service", { type: "ExternalName", externalName: "svc1.testns.svc.cluster.local" }),
      undefined,
    ],
    [
      svc("testns", "svc-dual-stack", { clusterIP: "10.0.0.3", clusterIPs: ["10.0.0.3", "10::3"], ports: http }),
      undefined,
    ],
  ];
  for (const [s, e] of services) objects.put(s, e);
  return objects.records;
}

const records = fixture();
const q = (name: string, type: number, c = cfg): Resolution => resolve(records, c, name, type);

function answerOf(r: Resolution): { rcode: number; answers: string[]; extra: string[]; soa: boolean } {
  assert.equal(r.type, "answer", JSON.stringify(r));
  if (r.type !== "answer") throw new Error("unreachable");
  const show = (rec: { owner: string; ttl: number; data: Record<string, unknown> }) =>
    `${rec.owner} ${rec.ttl} ${Object.values(rec.data).join(" ")}`;
  return { rcode: r.rcode, answers: r.answers.map(show), extra: r.additionals.map(show), soa: r.soa };
}

const NOERROR = RCODE.NOERROR,
  NXDOMAIN = RCODE.NXDOMAIN;

test("1–2 ClusterIP A, answered even without endpoints", () => {
  assert.deepEqual(answerOf(q("svc1.testns.svc.cluster.local", QTYPE.A)), {
    rcode: NOERROR,
    answers: ["qname 5 A 10.0.0.1"],
    extra: [],
    soa: false,
  });
  assert.deepEqual(answerOf(q("svcempty.testns.svc.cluster.local", QTYPE.A)).answers, ["qname 5 A 10.0.0.1"]);
});

test("3–5 SRV with and without _port._proto, glue in additional", () => {
  const srv = answerOf(q("_http._tcp.svc1.testns.svc.cluster.local", QTYPE.SRV));
  assert.deepEqual(srv.answers, ["qname 5 SRV 0 100 80 svc1.testns.svc.cluster.local"]);
  assert.deepEqual(srv.extra, ["svc1.testns.svc.cluster.local 5 A 10.0.0.1"]);
  assert.deepEqual(answerOf(q("svc1.testns.svc.cluster.local", QTYPE.SRV)).answers, srv.answers);
  const v6 = answerOf(q("svc6.testns.svc.cluster.local", QTYPE.SRV));
  assert.deepEqual(v6.extra, ["svc6.testns.svc.cluster.local 5 AAAA 1234:abcd::1"]);
});

test("6–7 AAAA of an IPv6 service; AAAA of an IPv4 service is NODATA", () => {
  assert.deepEqual(answerOf(q("svc6.testns.svc.cluster.local", QTYPE.AAAA)).answers, ["qname 5 AAAA 1234:abcd::1"]);
  assert.deepEqual(answerOf(q("svc1.testns.svc.cluster.local", QTYPE.AAAA)), {
    rcode: NOERROR,
    answers: [],
    extra: [],
    soa: true,
  });
});

test("8, 15, 16 unknown names are NXDOMAIN with SOA", () => {
  for (const name of [
    "svc0.testns.svc.cluster.local",
    "bogusendpoint.hdls1.testns.svc.cluster.local",
    "bogusendpoint.svc0.testns.svc.cluster.local",
  ]) {
    assert.deepEqual(answerOf(q(name, QTYPE.A)), { rcode: NXDOMAIN, answers: [], extra: [], soa: true }, name);
  }
});

test("9 names between a service and its port names exist: NODATA, not NXDOMAIN", () => {
  const nodata = { rcode: NOERROR, answers: [], extra: [], soa: true };
  assert.deepEqual(answerOf(q("_tcp.svc1.testns.svc.cluster.local", QTYPE.A)), nodata);
  assert.deepEqual(answerOf(q("_http._tcp.svc1.testns.svc.cluster.local", QTYPE.A)), nodata);
  assert.equal(answerOf(q("_udp.svc1.testns.svc.cluster.local", QTYPE.A)).rcode, NXDOMAIN);
});

test("10–11 dns-version TXT with TTL 28800; TXT elsewhere is NODATA", () => {
  assert.deepEqual(answerOf(q("dns-version.cluster.local", QTYPE.TXT)).answers, ["qname 28800 TXT 1.1.0"]);
  assert.equal(answerOf(q("svc1.testns.svc.cluster.local", QTYPE.TXT)).soa, true);
});

test("12–14 headless A/AAAA list every ready endpoint, portless too", () => {
  assert.deepEqual(
    answerOf(q("hdls1.testns.svc.cluster.local", QTYPE.A)).answers,
    ["172.0.0.2", "172.0.0.3", "172.0.0.4", "172.0.0.5"].map((ip) => `qname 5 A ${ip}`),
  );
  assert.deepEqual(answerOf(q("hdls1.testns.svc.cluster.local", QTYPE.AAAA)).answers, [
    "qname 5 AAAA 5678:abcd::1",
    "qname 5 AAAA 5678:abcd::2",
  ]);
  assert.deepEqual(answerOf(q("hdlsprtls.testns.svc.cluster.local", QTYPE.A)).answers, ["qname 5 A 172.0.0.20"]);
});

test("17–19 empty non-terminals are NODATA, other names under the zone NXDOMAIN", () => {
  for (const name of ["svc.cluster.local", "pod.cluster.local", "testns.svc.cluster.local"]) {
    assert.equal(answerOf(q(name, QTYPE.A)).rcode, NOERROR, name);
    assert.equal(answerOf(q(name, QTYPE.NS)).answers.length, 0, name);
  }
  assert.equal(answerOf(q("foo.cluster.local", QTYPE.NS)).rcode, NXDOMAIN);
});

test("20–21 dual-stack service: A, AAAA, one SRV weighted 50 with both glue records", () => {
  assert.deepEqual(answerOf(q("svc-dual-stack.testns.svc.cluster.local", QTYPE.A)).answers, ["qname 5 A 10.0.0.3"]);
  assert.deepEqual(answerOf(q("svc-dual-stack.testns.svc.cluster.local", QTYPE.AAAA)).answers, ["qname 5 AAAA 10::3"]);
  const srv = answerOf(q("svc-dual-stack.testns.svc.cluster.local", QTYPE.SRV));
  assert.deepEqual(srv.answers, ["qname 5 SRV 0 50 80 svc-dual-stack.testns.svc.cluster.local"]);
  assert.deepEqual(srv.extra, [
    "svc-dual-stack.testns.svc.cluster.local 5 A 10.0.0.3",
    "svc-dual-stack.testns.svc.cluster.local 5 AAAA 10::3",
  ]);
});

test("22 SOA only at the apex; apex SOA and NS with glue", () => {
  assert.equal(answerOf(q("svc1.testns.svc.cluster.local", QTYPE.SOA)).soa, true);
  assert.deepEqual(answerOf(q("cluster.local", QTYPE.SOA)).answers, [
    "qname 5 SOA ns.dns.cluster.local hostmaster.cluster.local 1 7200 1800 86400 5",
  ]);
  const ns = answerOf(q("cluster.local", QTYPE.NS));
  assert.deepEqual(ns.answers, ["qname 5 NS ns.dns.cluster.local"]);
  assert.deepEqual(ns.extra, ["ns.dns.cluster.local 5 A 10.0.0.10"]);
  assert.equal(answerOf(q("cluster.local", QTYPE.A)).soa, true);
});

test("23 names below an ExternalName are NXDOMAIN", () => {
  assert.equal(answerOf(q("endpoint.external.testns.svc.cluster.local", QTYPE.CNAME)).rcode, NXDOMAIN);
});

test("24–28 headless SRV: one per endpoint, weight 16, dashed IP names, duplicate hostnames merged", () => {
  const srv = answerOf(q("_http._tcp.hdls1.testns.svc.cluster.local", QTYPE.SRV));
  assert.deepEqual(
    srv.answers.sort(),
    ["172-0-0-2", "172-0-0-3", "5678-abcd--1", "5678-abcd--2", "dup-name"]
      .map((h) => `qname 5 SRV 0 16 80 ${h}.hdls1.testns.svc.cluster.local`)
      .sort(),
  );
  assert.ok(srv.extra.includes("dup-name.hdls1.testns.svc.cluster.local 5 A 172.0.0.4"));
  assert.ok(srv.extra.includes("dup-name.hdls1.testns.svc.cluster.local 5 A 172.0.0.5"));
  assert.deepEqual(answerOf(q("172-0-0-2.hdls1.testns.svc.cluster.local", QTYPE.A)).answers, ["qname 5 A 172.0.0.2"]);
  assert.deepEqual(answerOf(q("5678-abcd--2.hdls1.testns.svc.cluster.local", QTYPE.AAAA)).answers, [
    "qname 5 AAAA 5678:abcd::2",
  ]);
  assert.deepEqual(answerOf(q("172-0-0-20.hdlsprtls.testns.svc.cluster.local", QTYPE.A)).answers, [
    "qname 5 A 172.0.0.20",
  ]);
  assert.deepEqual(answerOf(q("dup-name.hdls1.testns.svc.cluster.local", QTYPE.A)).answers, [
    "qname 5 A 172.0.0.4",
    "qname 5 A 172.0.0.5",
  ]);
});

test("29–31 ExternalName: CNAME; leaving the zone is chased upstream; into the zone internally", () => {
  assert.deepEqual(answerOf(q("external.testns.svc.cluster.local", QTYPE.CNAME)).answers, [
    "qname 5 CNAME ext.interwebs.test",
  ]);
  const out = q("external.testns.svc.cluster.local", QTYPE.A);
  assert.equal(out.type, "chase");
  assert.equal(out.type === "chase" && out.target, "ext.interwebs.test");
  assert.deepEqual(answerOf(q("external-to-service.testns.svc.cluster.local", QTYPE.A)).answers, [
    "qname 5 CNAME svc1.testns.svc.cluster.local",
    "svc1.testns.svc.cluster.local 5 A 10.0.0.1",
  ]);
});

test("pods: verified, insecure and disabled modes", () => {
  assert.deepEqual(answerOf(q("10-240-0-1.podns.pod.cluster.local", QTYPE.A)).answers, ["qname 5 A 10.240.0.1"]);
  assert.equal(answerOf(q("172-0-0-2.podns.pod.cluster.local", QTYPE.A)).rcode, NXDOMAIN);
  assert.equal(answerOf(q("podns.pod.cluster.local", QTYPE.A)).soa, true);
  const insecure = { ...cfg, pods: "insecure" as const };
  assert.deepEqual(answerOf(q("172-0-0-2.podns.pod.cluster.local", QTYPE.A, insecure)).answers, [
    "qname 5 A 172.0.0.2",
  ]);
  assert.equal(answerOf(q("blah.podns.pod.cluster.local", QTYPE.A, insecure)).rcode, NXDOMAIN);
  assert.equal(
    answerOf(q("10-240-0-1.podns.pod.cluster.local", QTYPE.A, { ...cfg, pods: "disabled" })).rcode,
    NXDOMAIN,
  );
});

test("PTR for cluster IPs and endpoint IPs; unknown reverse names go to the next plugin", () => {
  assert.deepEqual(answerOf(q("1.0.0.10.in-addr.arpa", QTYPE.PTR)).answers, [
    "qname 5 PTR svc1.testns.svc.cluster.local",
    "qname 5 PTR svcempty.testns.svc.cluster.local",
  ]);
  assert.deepEqual(answerOf(q("2.0.0.172.in-addr.arpa", QTYPE.PTR)).answers, [
    "qname 5 PTR 172-0-0-2.hdls1.testns.svc.cluster.local",
  ]);
  assert.deepEqual(answerOf(q(reverseName("1234:abcd::1")!, QTYPE.PTR)).answers, [
    "qname 5 PTR svc6.testns.svc.cluster.local",
  ]);
  assert.equal(q("101.0.0.10.in-addr.arpa", QTYPE.PTR).type, "next");
  assert.equal(answerOf(q("svc1.testns.svc.cluster.local", QTYPE.PTR)).soa, true);
});

test("names outside the zone go to the next plugin", () => {
  assert.equal(q("example.com", QTYPE.A).type, "next");
  assert.equal(q("notcluster.local", QTYPE.A).type, "next");
});

test("removing a service removes its names, empty non-terminals and PTRs", () => {
  const objects = new Objects();
  objects.put(svc("gone", "web", { clusterIP: "10.0.0.9", ports: http }));
  const name = "_tcp.web.gone.svc.cluster.local";
  assert.ok(objects.records.recordsFor(name).exists(name));
  assert.equal(objects.records.pointers("9.0.0.10.in-addr.arpa").length, 1);
  objects.remove("gone", "web");
  assert.equal(objects.records.recordsFor(name).exists(name), false);
  assert.equal(objects.records.recordsFor("web.gone.svc.cluster.local").exists("web.gone.svc.cluster.local"), false);
  assert.deepEqual(objects.records.pointers("9.0.0.10.in-addr.arpa"), []);
});

test("a changed cluster IP moves the PTR; reads name the Services an answer came from", () => {
  const objects = new Objects();
  objects.put(svc("ns", "a", { clusterIP: "10.0.0.7", ports: http }));
  objects.put(svc("ns", "b", { clusterIP: "10.0.0.7", ports: http }));
  assert.equal(objects.records.pointers("7.0.0.10.in-addr.arpa").length, 2);
  objects.put(svc("ns", "a", { clusterIP: "10.0.0.8", ports: http }));
  objects.records.takeRead();
  assert.deepEqual(objects.records.pointers("7.0.0.10.in-addr.arpa"), [
    { type: "PTR", target: "b.ns.svc.cluster.local" },
  ]);
  assert.deepEqual(objects.records.takeRead(), ["ns/b"]);
  assert.deepEqual(objects.records.pointers("8.0.0.10.in-addr.arpa"), [
    { type: "PTR", target: "a.ns.svc.cluster.local" },
  ]);
  const external = new Objects();
  external.put(svc("ns", "web", { clusterIP: "10.0.0.1", ports: http }));
  external.put(svc("ns", "alias", { type: "ExternalName", externalName: "web.ns.svc.cluster.local" }));
  external.records.takeRead();
  resolve(external.records, cfg, "alias.ns.svc.cluster.local", QTYPE.A);
  assert.deepEqual([...new Set(external.records.takeRead())].sort(), ["ns/alias", "ns/web"]);
});
