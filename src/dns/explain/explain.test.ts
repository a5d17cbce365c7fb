import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { FakeApi } from "../../../test/support/fake-api.ts";
import { type FakeUpstream, startFakeUpstream } from "../../../test/support/fake-upstream.ts";
import { waitFor } from "../../../test/support/wait-for.ts";
import type { KubeObject } from "../../api/types.ts";
import { buildChain, type DnsChain } from "../chain.ts";
import type { PodMode } from "../options.ts";
import { type DnsExplainResult, explainDns } from "./index.ts";

const meta = (name: string) => ({ name, namespace: "shop" });
const OBJECTS: Record<string, KubeObject[]> = {
  services: [
    {
      apiVersion: "v1",
      kind: "Service",
      metadata: meta("web"),
      spec: { clusterIP: "10.96.0.10", ports: [{ name: "http", port: 80 }] },
    },
    {
      apiVersion: "v1",
      kind: "Service",
      metadata: meta("db"),
      spec: { clusterIP: "None", ports: [{ name: "pg", port: 5432 }] },
    },
    { apiVersion: "v1", kind: "Service", metadata: meta("idle"), spec: { clusterIP: "None", ports: [{ port: 80 }] } },
    {
      apiVersion: "v1",
      kind: "Service",
      metadata: meta("ext"),
      spec: { type: "ExternalName", externalName: "example.org" },
    },
  ],
  endpoints: [
    {
      apiVersion: "v1",
      kind: "Endpoints",
      metadata: meta("web"),
      subsets: [{ addresses: [{ ip: "10.1.0.5" }], ports: [{ name: "http", port: 8080 }] }],
    } as KubeObject,
    {
      apiVersion: "v1",
      kind: "Endpoints",
      metadata: meta("db"),
      subsets: [{ addresses: [{ ip: "10.1.0.7", hostname: "db-0" }], ports: [{ name: "pg", port: 5432 }] }],
    } as KubeObject,
  ],
  pods: [{ apiVersion: "v1", kind: "Pod", metadata: meta("web-1"), status: { podIP: "10.1.0.5" } } as KubeObject],
  dnsrecords: [
    {
      apiVersion: "kdns.dev/v1",
      kind: "DNSRecord",
      metadata: meta("site"),
      spec: { host: "site.test", paths: [] },
    } as KubeObject,
  ],
};

let upstream: FakeUpstream;
const chains = new Map<PodMode, DnsChain>();
const stop = new AbortController();

async function chainFor(pods: PodMode, upstreamPort?: number): Promise<DnsChain> {
  const api = new FakeApi();
  for (const [resource, items] of Object.entries(OBJECTS)) api.setList(resource, items);
  const chain = buildChain({
    source: api.source(),
    listen: { host: "127.0.0.1", port: 0 },
    clusterDomain: "cluster.local",
    upstream: upstreamPort ? [{ host: "127.0.0.1", port: upstreamPort }] : [],
    ttl: 5,
    pods,
    allowRecursion: ["127.0.0.0/8"],
    serveStale: 0,
    gatewayAddresses: ["192.0.2.80"],
  });
  chain.start(stop.signal);
  await waitFor(() => chain.ready(), { what: `the ${pods} chain to sync` });
  return chain;
}

before(async () => {
  upstream = await startFakeUpstream();
  upstream.set("example.org", "A", { type: "answer", answers: [{ type: "A", ttl: 300, data: "192.0.2.7" }] });
  chains.set("verified", await chainFor("verified", upstream.port));
  chains.set("insecure", await chainFor("insecure"));
  chains.set("disabled", await chainFor("disabled"));
});

after(async () => {
  stop.abort();
  for (const c of chains.values()) await c.close();
  await upstream.close();
});

function ask(
  name: string,
  options: { type?: string; pods?: PodMode; client?: string; namespace?: string } = {},
): Promise<DnsExplainResult> {
  const chain = chains.get(options.pods ?? "verified")!;
  return explainDns(
    { plugins: chain.plugins, next: chain.next, zone: "cluster.local" },
    { name, ...(options.type ? { type: options.type } : {}), ...(options.client ? { client: options.client } : {}) },
    options.namespace ? { namespace: options.namespace } : undefined,
  );
}

/** What a case expects: the answering plugin, the rcode, answer data, and words in the reasons. */
interface Case {
  name: string;
  ask: Parameters<typeof ask>;
  by: string;
  rcode: string;
  data?: string[];
  reason?: RegExp;
  objects?: string[];
  suggestion?: string;
}

const cases: Case[] = [
  {
    name: "a ClusterIP service",
    ask: ["web.shop.svc.cluster.local"],
    by: "kubernetes",
    rcode: "NOERROR",
    data: ["10.96.0.10"],
    reason: /Service shop\/web is ClusterIP 10\.96\.0\.10/,
    objects: ["Service shop/web"],
  },
  {
    name: "a headless service answers its ready endpoints",
    ask: ["db.shop.svc.cluster.local"],
    by: "kubernetes",
    rcode: "NOERROR",
    data: ["10.1.0.7"],
    reason: /ready endpoints: 10\.1\.0\.7 \(db-0\)/,
    objects: ["Service shop/db", "Endpoints shop/db"],
  },
  {
    name: "a headless service with no ready endpoints",
    ask: ["idle.shop.svc.cluster.local"],
    by: "kubernetes",
    rcode: "NXDOMAIN",
    reason: /the service exists but has no ready endpoints/,
  },
  {
    name: "an endpoint hostname of a headless service",
    ask: ["db-0.db.shop.svc.cluster.local"],
    by: "kubernetes",
    rcode: "NOERROR",
    data: ["10.1.0.7"],
  },
  {
    name: "a missing endpoint hostname, with a suggestion",
    ask: ["db-1.db.shop.svc.cluster.local"],
    by: "kubernetes",
    rcode: "NXDOMAIN",
    reason: /no ready endpoint named `db-1`/,
    suggestion: "did you mean `db-0`?",
  },
  {
    name: "a pod, verified mode, existing",
    ask: ["10-1-0-5.shop.pod.cluster.local"],
    by: "kubernetes",
    rcode: "NOERROR",
    data: ["10.1.0.5"],
    reason: /a pod in namespace shop has IP 10\.1\.0\.5/,
  },
  {
    name: "a pod, verified mode, no such pod",
    ask: ["10-1-0-9.shop.pod.cluster.local"],
    by: "kubernetes",
    rcode: "NXDOMAIN",
    reason: /verified mode and no pod in namespace shop has IP 10\.1\.0\.9/,
  },
  {
    name: "a pod, insecure mode",
    ask: ["10-1-0-9.shop.pod.cluster.local", { pods: "insecure" }],
    by: "kubernetes",
    rcode: "NOERROR",
    data: ["10.1.0.9"],
    reason: /insecure mode/,
  },
  {
    name: "a pod, disabled",
    ask: ["10-1-0-5.shop.pod.cluster.local", { pods: "disabled" }],
    by: "kubernetes",
    rcode: "NXDOMAIN",
    reason: /--pods disabled/,
  },
  {
    name: "SRV of a named port",
    ask: ["_http._tcp.web.shop.svc.cluster.local", { type: "SRV" }],
    by: "kubernetes",
    rcode: "NOERROR",
    data: ["0 100 80 web.shop.svc.cluster.local"],
  },
  {
    name: "SRV of a mistyped port, with a suggestion",
    ask: ["_htp._tcp.web.shop.svc.cluster.local", { type: "SRV" }],
    by: "kubernetes",
    rcode: "NXDOMAIN",
    reason: /this service has _http\._tcp/,
    suggestion: "did you mean `_http._tcp`?",
  },
  {
    name: "PTR of a cluster IP (an IP is asked as its PTR)",
    ask: ["10.96.0.10"],
    by: "kubernetes",
    rcode: "NOERROR",
    data: ["web.shop.svc.cluster.local"],
    objects: ["Service shop/web"],
  },
  {
    name: "an ExternalName service, chased upstream",
    ask: ["ext.shop.svc.cluster.local"],
    by: "kubernetes",
    rcode: "NOERROR",
    data: ["example.org", "192.0.2.7"],
    reason: /ExternalName: a CNAME to example\.org/,
  },
  {
    name: "a DNSRecord host",
    ask: ["site.test"],
    by: "hosts",
    rcode: "NOERROR",
    data: ["192.0.2.80"],
    objects: ["DNSRecord shop/site"],
  },
  {
    name: "below a DNSRecord host",
    ask: ["x.site.test"],
    by: "hosts",
    rcode: "NXDOMAIN",
    reason: /no host defines x\.site\.test, below host site\.test/,
  },
  {
    name: "NXDOMAIN with a suggestion",
    ask: ["wbe.shop.svc.cluster.local"],
    by: "kubernetes",
    rcode: "NXDOMAIN",
    reason: /namespace shop has no service `wbe`/,
    suggestion: "did you mean `web`?",
  },
  {
    name: "a namespace with no services, with a suggestion",
    ask: ["web.shpo.svc.cluster.local"],
    by: "kubernetes",
    rcode: "NXDOMAIN",
    reason: /namespace shpo has no services/,
    suggestion: "did you mean namespace `shop`?",
  },
  {
    name: "a client outside --allow-recursion",
    ask: ["example.org", { client: "203.0.113.5" }],
    by: "acl",
    rcode: "REFUSED",
    reason: /outside --allow-recursion/,
  },
];

for (const c of cases) {
  test(`explain dns: ${c.name}`, async () => {
    const e = await ask(...c.ask);
    assert.equal(e.answeredBy, c.by);
    assert.equal(e.rcode, c.rcode);
    if (c.data)
      assert.deepEqual(
        e.answers.map((a) => a.data),
        c.data,
      );
    const note = e.plugins.find((n) => n.plugin === c.by)!;
    if (c.reason)
      assert.ok(
        note.reasons.some((r) => c.reason!.test(r)),
        note.reasons.join("\n"),
      );
    if (c.objects) assert.deepEqual(note.objects, c.objects);
    assert.equal(e.suggestion, c.suggestion);
  });
}

test("explain dns: a forwarded name names its upstream, and the next ask is a cache hit with its age", async () => {
  const first = await ask("forwarded.example.org");
  assert.equal(first.answeredBy, "forward");
  assert.equal(first.upstream, `127.0.0.1:${upstream.port}`);
  assert.equal(first.plugins.find((n) => n.plugin === "cache")?.verdict, "passes");
  upstream.set("cached.example.org", "A", { type: "answer", answers: [{ type: "A", ttl: 300, data: "192.0.2.8" }] });
  await ask("cached.example.org");
  const second = await ask("cached.example.org");
  assert.equal(second.answeredBy, "cache");
  assert.deepEqual(
    second.answers.map((a) => a.data),
    ["192.0.2.8"],
  );
  const cache = second.plugins.find((n) => n.plugin === "cache")!.cache!;
  assert.ok(cache.ageSeconds >= 0 && cache.ageSeconds <= 5, String(cache.ageSeconds));
  assert.ok(cache.ttlSeconds > 290 && cache.ttlSeconds <= 300, String(cache.ttlSeconds));
  assert.equal(upstream.count("cached.example.org", "A"), 1);
});

test("explain dns --from: a pod's search list finds the short name in its namespace", async () => {
  const e = await ask("web", { namespace: "shop", client: "10.1.0.5" });
  assert.deepEqual(e.search, {
    namespace: "shop",
    steps: [{ name: "web.shop.svc.cluster.local", rcode: "NOERROR", answers: 1 }],
  });
  assert.equal(e.question.name, "web.shop.svc.cluster.local");
  const far = await ask("db.shop", { namespace: "other", client: "10.1.0.5" });
  assert.deepEqual(
    far.search?.steps.map((s) => `${s.name} ${s.rcode}`),
    ["db.shop.other.svc.cluster.local NXDOMAIN", "db.shop.svc.cluster.local NOERROR"],
  );
});

test("explain dns refuses a bad name or type with the value", async () => {
  await assert.rejects(ask("a..b"), /"a\.\.b" is not a DNS name/);
  await assert.rejects(ask("web", { type: "BOGUS" }), /record type "BOGUS" is not one explain knows/);
});
