import assert from "node:assert/strict";
import { test } from "node:test";
import * as dnsPacket from "dns-packet";
import { waitFor } from "../../../../test/support/wait-for.ts";
import type { KubeList, KubeObject, WatchEvent } from "../../../api/types.ts";
import type { InformerSource } from "../../../client/informer.ts";
import { chain, type DnsReply } from "../../plugin.ts";
import { createHandler } from "../../server/handler.ts";
import { type ParsedQuery, parseQuery } from "../../wire/query.ts";
import { HostsPlugin, stripDNSRecord } from "./plugin.ts";

function dnsRecord(namespace: string, name: string, host: string, rv: string): KubeObject {
  return {
    apiVersion: "kdns.dev/v1",
    kind: "DNSRecord",
    metadata: { namespace, name, resourceVersion: rv, uid: "u", labels: { a: "b" } },
    spec: { host, paths: [{ path: "/a", service: "a", port: 80 }] },
  };
}

/** A fake list + watch per kind: the lists wait until `release`, then the test pushes watch events. */
class FakeSource {
  items: KubeObject[] = [];
  #released: () => void = () => {};
  readonly #listGate = new Promise<void>((r) => (this.#released = r));
  readonly #events = new Map<string, WatchEvent[]>();
  readonly #wake = new Map<string, () => void>();

  release(): void {
    this.#released();
  }
  push(type: "ADDED" | "MODIFIED" | "DELETED", object: KubeObject): void {
    const queue = this.#events.get(object.kind) ?? [];
    queue.push({ type, object });
    this.#events.set(object.kind, queue);
    this.#wake.get(object.kind)?.();
  }
  asSource(): InformerSource {
    const self = this;
    return {
      list: async (info: { kind: string }): Promise<KubeList> => {
        await self.#listGate;
        return {
          apiVersion: "v1",
          kind: `${info.kind}List`,
          metadata: { resourceVersion: "1" },
          items: structuredClone(self.items.filter((i) => i.kind === info.kind)),
        };
      },
      watch: async function* (
        info: { kind: string },
        _ns: unknown,
        _q: unknown,
        signal: AbortSignal,
      ): AsyncGenerator<WatchEvent> {
        for (;;) {
          while ((self.#events.get(info.kind) ?? []).length === 0) {
            if (signal.aborted) return;
            await new Promise<void>((r) => {
              self.#wake.set(info.kind, r);
              signal.addEventListener("abort", () => r(), { once: true });
            });
          }
          yield self.#events.get(info.kind)!.shift()!;
        }
      },
    } as unknown as InformerSource;
  }
}

interface Setup {
  source: FakeSource;
  plugin: HostsPlugin;
  ask: (name: string, type?: dnsPacket.RecordType) => Promise<dnsPacket.Packet & { rcode?: string; flag_aa?: boolean }>;
  forwarded: string[];
  stop: () => void;
}

function setup(addresses: string[], items: KubeObject[] = []): Setup {
  const source = new FakeSource();
  source.items = items;
  const plugin = new HostsPlugin({ source: source.asSource(), addresses, ttl: 5 });
  const forwarded: string[] = [];
  const last = (req: { query: { name: string } }): DnsReply => {
    forwarded.push(req.query.name);
    return { type: "answer", rcode: 0, authoritative: false, sections: undefined };
  };
  const handler = createHandler(chain([plugin], last));
  const controller = new AbortController();
  plugin.start(controller.signal);
  let id = 1;
  const ask: Setup["ask"] = async (name, type = "A") => {
    const msg = dnsPacket.encode({
      type: "query",
      id: id++,
      flags: dnsPacket.RECURSION_DESIRED,
      questions: [{ name, type, class: "IN" }],
    });
    const out = await handler(msg, "udp", "127.0.0.1");
    assert.ok(out, "an answer");
    return dnsPacket.decode(out) as ReturnType<Setup["ask"]> extends Promise<infer P> ? P : never;
  };
  return { source, plugin, ask, forwarded, stop: () => controller.abort() };
}

async function synced(s: Setup): Promise<void> {
  s.source.release();
  await waitFor(() => s.plugin.ready(), { what: "hosts plugin synced" });
}

test("before the first list every name gets SERVFAIL and ready() is false; after it, answers", async () => {
  const s = setup(["10.0.0.1"], [dnsRecord("default", "r", "node1.com", "2")]);
  try {
    assert.equal(s.plugin.ready(), false);
    for (const name of ["node1.com", "example.org"]) {
      const r = await s.ask(name);
      assert.equal(r.rcode, "SERVFAIL", name);
    }
    assert.deepEqual(s.forwarded, []);
    await synced(s);
    const r = await s.ask("node1.com");
    assert.equal(r.rcode, "NOERROR");
    assert.deepEqual(
      r.answers?.map((a) => {
        const x = a as { name: string; type: string; data: unknown; ttl?: number };
        return [x.name, x.type, x.data, x.ttl];
      }),
      [["node1.com", "A", "10.0.0.1", 5]],
    );
  } finally {
    s.stop();
  }
});

test("host A is authoritative; AAAA with only a v4 gateway is NODATA with the host's SOA", async () => {
  const s = setup(["10.0.0.1"], [dnsRecord("default", "r", "node1.com", "2")]);
  try {
    await synced(s);
    const a = await s.ask("node1.com");
    assert.equal(a.flag_aa, true);
    assert.equal(a.authorities?.length, 0);
    const aaaa = await s.ask("node1.com", "AAAA");
    assert.equal(aaaa.rcode, "NOERROR");
    assert.equal(aaaa.flag_aa, true);
    assert.equal(aaaa.answers?.length, 0);
    const soa = aaaa.authorities?.[0] as dnsPacket.Answer & { data: dnsPacket.SoaData };
    assert.equal(soa.type, "SOA");
    assert.equal(soa.name, "node1.com");
    assert.equal(soa.data.mname, "ns.dns.node1.com");
    assert.equal(soa.data.rname, "hostmaster.node1.com");
    assert.deepEqual(
      [soa.data.refresh, soa.data.retry, soa.data.expire, soa.data.minimum, soa.ttl],
      [7200, 1800, 86400, 5, 5],
    );
    for (const type of ["TXT", "MX", "SRV", "CNAME"] as const) {
      const r = await s.ask("node1.com", type);
      assert.deepEqual([r.rcode, r.answers?.length, r.authorities?.[0]?.type], ["NOERROR", 0, "SOA"], type);
    }
    const soaQ = await s.ask("node1.com", "SOA");
    assert.deepEqual(
      soaQ.answers?.map((x) => [x.name, x.type]),
      [["node1.com", "SOA"]],
    );
  } finally {
    s.stop();
  }
});

test("a v6 gateway answers AAAA; a dual-stack gateway answers both", async () => {
  const s = setup(["fd00::1", "10.0.0.1"], [dnsRecord("default", "r", "node1.com", "2")]);
  try {
    await synced(s);
    const aaaa = await s.ask("node1.com", "AAAA");
    assert.deepEqual(
      aaaa.answers?.map((a) => [a.type, (a as { data: unknown }).data]),
      [["AAAA", "fd00::1"]],
    );
    const a = await s.ask("node1.com", "A");
    assert.deepEqual(
      a.answers?.map((x) => [x.type, (x as { data: unknown }).data]),
      [["A", "10.0.0.1"]],
    );
  } finally {
    s.stop();
  }
});

test("names below a host are NXDOMAIN with the host's SOA; other names go to next", async () => {
  const s = setup(["10.0.0.1"], [dnsRecord("default", "r", "node1.com", "2")]);
  try {
    await synced(s);
    for (const name of ["x.node1.com", "a.b.node1.com"]) {
      const r = await s.ask(name);
      assert.equal(r.rcode, "NXDOMAIN", name);
      assert.equal(r.flag_aa, true);
      assert.deepEqual(
        r.authorities?.map((x) => [x.name, x.type]),
        [["node1.com", "SOA"]],
        name,
      );
    }
    assert.deepEqual(s.forwarded, []);
    for (const name of ["example.org", "com", "xnode1.com"]) {
      const r = await s.ask(name);
      assert.equal(r.rcode, "NOERROR", name);
      assert.equal(r.flag_aa, false);
    }
    assert.deepEqual(s.forwarded, ["example.org", "com", "xnode1.com"]);
  } finally {
    s.stop();
  }
});

test("create, update and delete of records change the answers; a host shared by two records stays until both go", async () => {
  const s = setup(["10.0.0.1"]);
  try {
    await synced(s);
    assert.equal((await s.ask("node1.com")).rcode, "NOERROR");
    assert.deepEqual(s.forwarded, ["node1.com"]);

    const one = dnsRecord("default", "r", "node1.com", "2");
    const two = dnsRecord("other", "r", "node1.com", "3");
    s.source.push("ADDED", one);
    s.source.push("ADDED", two);
    await waitFor(() => s.plugin.hosts === 1, { what: "host added" });
    const both = await s.ask("node1.com");
    assert.deepEqual(
      both.answers?.map((a) => (a as { data: unknown }).data),
      ["10.0.0.1"],
      "one answer for two records",
    );

    s.source.push("DELETED", one);
    s.source.push("ADDED", dnsRecord("default", "marker", "marker.com", "4"));
    await waitFor(() => s.plugin.hosts === 2, { what: "marker added" });
    assert.equal((await s.ask("node1.com")).answers?.length, 1, "still served by the other record");

    s.source.push("MODIFIED", dnsRecord("other", "r", "node2.com", "5"));
    await waitFor(async () => (await s.ask("node2.com")).answers?.length === 1, { what: "node2.com served" });
    const gone = await s.ask("node1.com");
    assert.equal(gone.flag_aa, false, "node1.com is forwarded once no record names it");

    s.source.push("DELETED", dnsRecord("other", "r", "node2.com", "6"));
    await waitFor(() => s.plugin.hosts === 1, { what: "node2.com deleted" });
    const after = await s.ask("node2.com");
    assert.equal(after.flag_aa, false);
    assert.equal(s.forwarded.at(-1), "node2.com");
  } finally {
    s.stop();
  }
});

test("the question's case is echoed exactly, in the answer owner and in the SOA owner", async () => {
  const s = setup(["10.0.0.1"], [dnsRecord("default", "r", "node1.com", "2")]);
  try {
    await synced(s);
    const a = await s.ask("NoDe1.CoM");
    assert.equal(a.questions?.[0]?.name, "NoDe1.CoM");
    assert.equal(a.answers?.[0]?.name, "NoDe1.CoM");
    const nx = await s.ask("X.nOdE1.com");
    assert.equal(nx.rcode, "NXDOMAIN");
    assert.equal(nx.authorities?.[0]?.name, "nOdE1.com");
  } finally {
    s.stop();
  }
});

test("nested hosts: the closest host is the zone; names between are NODATA, not NXDOMAIN", async () => {
  const s = setup(["10.0.0.1"], [dnsRecord("a", "r", "node1.com", "2"), dnsRecord("b", "r", "api.eu.node1.com", "3")]);
  try {
    await synced(s);
    assert.equal((await s.ask("api.eu.node1.com")).answers?.length, 1);
    const between = await s.ask("eu.node1.com");
    assert.deepEqual(
      [between.rcode, between.answers?.length, between.authorities?.[0]?.name],
      ["NOERROR", 0, "node1.com"],
    );
    const below = await s.ask("x.api.eu.node1.com");
    assert.deepEqual([below.rcode, below.authorities?.[0]?.name], ["NXDOMAIN", "api.eu.node1.com"]);
  } finally {
    s.stop();
  }
});

test("stripDNSRecord keeps only identity and the normalised host", () => {
  const stripped = stripDNSRecord(dnsRecord("default", "r", "Node1.COM.", "7"));
  assert.deepEqual(stripped, {
    apiVersion: "kdns.dev/v1",
    kind: "DNSRecord",
    metadata: { namespace: "default", name: "r", resourceVersion: "7" },
    hosts: ["node1.com"],
  });
});

function ingress(name: string, hosts: string[], lbIp: string | undefined, rv: string): KubeObject {
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "Ingress",
    metadata: { namespace: "default", name, resourceVersion: rv },
    spec: { rules: hosts.map((host) => ({ host, http: { paths: [] } })) },
    ...(lbIp !== undefined ? { status: { loadBalancer: { ingress: [{ ip: lbIp }] } } } : {}),
  };
}

test("Ingress hosts are answered once the gateway serves them (its address in the status); wildcards answer names under them", async () => {
  const s = setup(["10.0.0.1"]);
  try {
    s.source.items = [ingress("elsewhere", ["other.test"], "192.0.2.1", "1")];
    s.source.release();
    await waitFor(() => s.plugin.ready(), { what: "synced" });
    assert.equal(s.plugin.hosts, 0, "an Ingress another controller serves is not answered");
    s.source.push("ADDED", ingress("web", ["web.test", "*.apps.test"], undefined, "2"));
    s.source.push("MODIFIED", ingress("web", ["web.test", "*.apps.test"], "10.0.0.1", "3"));
    await waitFor(() => s.plugin.hosts === 2, { what: "ingress hosts added" });
    const a = await s.ask("web.test");
    assert.deepEqual([a.rcode, (a.answers?.[0] as { data?: unknown } | undefined)?.data], ["NOERROR", "10.0.0.1"]);
    const deep = await s.ask("x.y.apps.test");
    assert.deepEqual(
      [deep.rcode, deep.answers?.[0]?.name, (deep.answers?.[0] as { data?: unknown } | undefined)?.data],
      ["NOERROR", "x.y.apps.test", "10.0.0.1"],
    );
    const txt = await s.ask("x.apps.test", "TXT");
    assert.deepEqual([txt.rcode, txt.answers?.length, txt.authorities?.[0]?.name], ["NOERROR", 0, "apps.test"]);
    s.source.push("DELETED", ingress("web", ["web.test", "*.apps.test"], "10.0.0.1", "4"));
    await waitFor(() => s.plugin.hosts === 0, { what: "ingress hosts removed" });
    await s.ask("web.test");
    assert.ok(s.forwarded.includes("web.test"), "a removed host goes on down the chain");
  } finally {
    s.stop();
  }
});

test("a gateway address that is not an IP is refused at construction", () => {
  assert.throws(
    () => new HostsPlugin({ source: new FakeSource().asSource(), addresses: ["gateway.local"], ttl: 5 }),
    /gateway\.local/,
  );
});

test("a passed-on cached reply is tagged, and the tag goes stale when a DNSRecord host is added", async () => {
  const source = new FakeSource();
  const plugin = new HostsPlugin({ source: source.asSource(), addresses: ["10.0.0.1"], ttl: 5 });
  const controller = new AbortController();
  plugin.start(controller.signal);
  try {
    source.release();
    await waitFor(() => plugin.ready(), { what: "hosts plugin synced" });
    const msg = dnsPacket.encode({ type: "query", id: 1, questions: [{ name: "node1.com", type: "A", class: "IN" }] });
    const ask = () =>
      plugin.serve(
        { msg, query: parseQuery(msg) as ParsedQuery, transport: "udp", clientAddress: "127.0.0.1" },
        (): DnsReply => ({ type: "raw", bytes: Buffer.alloc(12), sources: [{ stale: false }] }),
      );
    const before = (await ask()) as Extract<DnsReply, { type: "raw" }>;
    assert.equal(before.sources?.length, 2, "the cache's source and the plugin's own token");
    assert.equal(before.sources?.[1]?.stale, false);
    source.push("ADDED", dnsRecord("default", "r", "node1.com", "3"));
    await waitFor(() => plugin.hosts === 1, { what: "host added" });
    assert.equal(before.sources?.[1]?.stale, true, "a memo holding it now knows it is out of date");
    assert.equal((await ask()).type, "answer", "and the name is the plugin's own");
  } finally {
    controller.abort();
  }
});

function httpRoute(name: string, hostnames: string[], accepted: "True" | "False" | undefined, rv: string): KubeObject {
  return {
    apiVersion: "gateway.networking.k8s.io/v1",
    kind: "HTTPRoute",
    metadata: { namespace: "default", name, resourceVersion: rv },
    spec: { parentRefs: [{ name: "gw" }], hostnames },
    ...(accepted !== undefined
      ? {
          status: {
            parents: [
              {
                parentRef: { name: "gw" },
                controllerName: "kdns.dev/gateway",
                conditions: [{ type: "Accepted", status: accepted, reason: "x", message: "", lastTransitionTime: "" }],
              },
            ],
          },
        }
      : {}),
  };
}

test("HTTPRoute hostnames are answered once a kdns Gateway accepted the route; a wildcard answers names under it", async () => {
  const s = setup(["10.0.0.1"]);
  try {
    s.source.items = [
      httpRoute("pending", ["pending.test"], undefined, "1"),
      httpRoute("refused", ["no.test"], "False", "1"),
    ];
    await synced(s);
    assert.equal(s.plugin.hosts, 0, "a route kdns has not accepted is not answered");
    s.source.push("MODIFIED", httpRoute("pending", ["pending.test", "*.routes.test"], "True", "2"));
    await waitFor(() => s.plugin.hosts === 2, { what: "route hosts added" });
    const a = await s.ask("pending.test");
    assert.deepEqual([a.rcode, (a.answers?.[0] as { data?: unknown } | undefined)?.data], ["NOERROR", "10.0.0.1"]);
    const deep = await s.ask("a.b.routes.test");
    assert.deepEqual(
      [deep.rcode, (deep.answers?.[0] as { data?: unknown } | undefined)?.data],
      ["NOERROR", "10.0.0.1"],
    );
    s.source.push("MODIFIED", httpRoute("pending", ["pending.test", "*.routes.test"], "False", "3"));
    await waitFor(() => s.plugin.hosts === 0, { what: "route hosts removed when no longer accepted" });
  } finally {
    s.stop();
  }
});

function attachedRoute(name: string, hostnames: string[], sectionName: string | undefined, rv: string): KubeObject {
  const parentRef = { name: "gw", ...(sectionName !== undefined ? { sectionName } : {}) };
  return {
    apiVersion: "gateway.networking.k8s.io/v1",
    kind: "HTTPRoute",
    metadata: { namespace: "default", name, resourceVersion: rv },
    spec: { parentRefs: [parentRef], hostnames },
    status: {
      parents: [
        {
          parentRef,
          controllerName: "kdns.dev/gateway",
          conditions: [{ type: "Accepted", status: "True", reason: "Accepted", message: "", lastTransitionTime: "" }],
        },
      ],
    },
  };
}

function gateway(webHostname: string, rv: string): KubeObject {
  return {
    apiVersion: "gateway.networking.k8s.io/v1",
    kind: "Gateway",
    metadata: { namespace: "default", name: "gw", resourceVersion: rv },
    spec: {
      gatewayClassName: "kdns",
      listeners: [
        { name: "web", protocol: "HTTP", port: 80, hostname: webHostname },
        { name: "wild", protocol: "HTTP", port: 80, hostname: "*.apps.example.org" },
        { name: "any", protocol: "HTTP", port: 80 },
      ],
    },
  };
}

test("an HTTPRoute without hostnames answers its listeners' hostnames, none for a listener without one; a Gateway change moves them", async () => {
  const s = setup(["10.0.0.1"]);
  try {
    s.source.items = [
      attachedRoute("web-only", [], "web", "1"),
      attachedRoute("catch-all", [], "any", "1"),
      attachedRoute("narrowed", ["*.example.org"], "web", "1"),
    ];
    await synced(s);
    // The Gateway is not known yet: only a route's own hostnames can be answered.
    assert.equal(s.plugin.hosts, 1);
    assert.equal((await s.ask("x.example.org")).rcode, "NOERROR");
    s.source.push("ADDED", gateway("portal.example.org", "1"));
    await waitFor(async () => (await s.ask("portal.example.org")).answers?.length === 1, {
      what: "the listener's hostname answered for the routes without their own",
    });
    // The wildcard route on listener portal.example.org serves that name only.
    assert.equal(s.plugin.hosts, 1, "portal.example.org alone: no name for the catch-all listener, no *.example.org");
    assert.deepEqual(s.forwarded, []);
    await s.ask("x.example.org");
    assert.deepEqual(
      s.forwarded,
      ["x.example.org"],
      "a name the route's wildcard covers but the listener does not is not ours",
    );

    s.source.push("ADDED", attachedRoute("every-listener", [], undefined, "2"));
    await waitFor(() => s.plugin.hosts === 2, { what: "the wildcard listener's name added" });
    const deep = await s.ask("a.b.apps.example.org");
    assert.deepEqual(
      [deep.rcode, (deep.answers?.[0] as { data?: unknown } | undefined)?.data],
      ["NOERROR", "10.0.0.1"],
    );

    s.source.push("MODIFIED", gateway("portal2.example.org", "2"));
    await waitFor(async () => (await s.ask("portal2.example.org")).answers?.length === 1, {
      what: "the routes follow the listener's new hostname",
    });
    assert.equal((await s.ask("portal.example.org")).answers?.length ?? 0, 0, "the old name is gone");
    assert.equal(s.plugin.hosts, 2);
  } finally {
    s.stop();
  }
});
