import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { startTestCa, type TestCa, tlsSecret } from "../../../test/support/test-pki.ts";
import type { Endpoints, Service } from "../../api/types.ts";
import { parseTlsSecret, type TlsMaterial } from "../tls/certificate.ts";
import { type BackendReader, buildRouteTable, RouteTableBuilder } from "./build.ts";
import type { OwnerKind } from "./model.ts";
import type { OwnerRoutes, SourceRoute } from "./source.ts";

const HOSTS = ["a.test", "b.test", "c.test", "*.test"];
const PATHS = ["/", "/x", "/x/y"];
const SERVICES = ["s1", "s2", "s3"];
const SECRETS = ["default/t1", "default/t2", "default/t3"];
const KINDS: OwnerKind[] = ["DNSRecord", "Ingress", "HTTPRoute"];
const CREATED = ["2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z", "2026-01-03T00:00:00Z"];

/** A small seeded PRNG (mulberry32), so a failure replays. */
function prng(seed: number): (n: number) => number {
  let a = seed;
  return (n) => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}

let ca: TestCa;
/** Good certificates for every test host, and one that covers a.test only. */
let good: TlsMaterial[] = [];
before(async () => {
  ca = await startTestCa();
  const all = await ca.issue(["a.test", "b.test", "c.test", "*.test"]);
  const onlyA = await ca.issue(["a.test"]);
  good = [parseTlsSecret(tlsSecret("all", all.cert, all.key)), parseTlsSecret(tlsSecret("a", onlyA.cert, onlyA.key))];
});
after(() => ca.close());

/** A random route owner number `i`: one to three routes over the hosts (conflicts likely), maybe TLS. */
function source(i: number, r: (n: number) => number): OwnerRoutes {
  const routes: SourceRoute[] = Array.from({ length: 1 + r(3) }, () => {
    const path = PATHS[r(PATHS.length)] as string;
    return {
      host: HOSTS[r(HOSTS.length)] as string,
      path,
      match: { path: { type: "PathPrefix" as const, value: path } },
      filters: [],
      backends:
        r(3) === 0
          ? [{ type: "address" as const, ip: `10.0.0.${r(3)}`, port: 80, weight: 1 }]
          : [{ type: "service" as const, namespace: "default", name: SERVICES[r(3)] as string, port: 80, weight: 1 }],
    };
  });
  const src: OwnerRoutes = {
    owner: { kind: KINDS[i % 3] as OwnerKind, namespace: "default", name: `o${i}` },
    created: CREATED[r(CREATED.length)] as string,
    routes,
    tls: r(3) === 0 ? [{ hosts: [], secret: SECRETS[r(SECRETS.length)] as string, redirect: r(2) === 0 }] : [],
  };
  if (r(20) === 0) src.invalid = "broken";
  return src;
}

function service(name: string, port: number): Service {
  return { apiVersion: "v1", kind: "Service", metadata: { name, namespace: "default" }, spec: { ports: [{ port }] } };
}

function endpoints(name: string, ips: string[]): Endpoints {
  return {
    apiVersion: "v1",
    kind: "Endpoints",
    metadata: { name, namespace: "default" },
    subsets: ips.length === 0 ? [] : [{ addresses: ips.map((ip) => ({ ip })), ports: [{ port: 8080 }] }],
  };
}

test("a builder fed change after change builds what a build from scratch builds, keeping unchanged hosts", () => {
  for (let seed = 1; seed <= 25; seed++) {
    const r = prng(seed);
    let sources = Array.from({ length: 12 }, (_, i) => source(i, r));
    let next = sources.length;
    const services = new Map(SERVICES.map((n) => [n, service(n, 80)]));
    const eps = new Map(SERVICES.map((n) => [n, endpoints(n, ["10.1.0.1"])]));
    const secrets = new Map<string, TlsMaterial>([
      ["default/t1", good[0] as TlsMaterial],
      ["default/t2", good[1] as TlsMaterial],
    ]);
    let https = true;
    let generation = 0;
    const reader: BackendReader = {
      service: (_ns, name) => services.get(name),
      endpoints: (_ns, name) => eps.get(name),
      get generation() {
        return generation;
      },
    };
    const builder = new RouteTableBuilder();
    let last = builder.build({ sources, backends: reader, secrets, https });
    for (let step = 0; step < 60; step++) {
      const what = r(9);
      const at = r(sources.length);
      if (what <= 2 && sources.length > 0)
        sources = sources.with(at, source(Number(sources[at]?.owner.name.slice(1)), r));
      else if (what === 3) sources = [...sources, source(next++, r)];
      else if (what === 4 && sources.length > 1) sources = sources.filter((_, i) => i !== at);
      else if (what === 5) {
        const name = SERVICES[r(3)] as string;
        if (r(2) === 0) eps.set(name, endpoints(name, r(2) === 0 ? [] : ["10.1.0.2", "10.1.0.3"]));
        else if (services.has(name)) services.delete(name);
        else services.set(name, service(name, 80));
        generation++;
      } else if (what === 6) {
        const name = SECRETS[r(3)] as string;
        const pick = r(4);
        if (pick === 3) secrets.delete(name);
        else secrets.set(name, pick === 2 ? { type: "invalid", reason: `bad ${step}` } : (good[pick] as TlsMaterial));
      } else if (what === 7) sources = [...sources].reverse();
      else https = !https;
      const table = builder.build({ sources, backends: reader, secrets, https });
      const fresh = buildRouteTable({
        sources,
        services: [...services.values()],
        endpoints: [...eps.values()],
        secrets,
        https,
      });
      assert.deepEqual(table, fresh, `seed ${seed}, step ${step}`);
      const before = new Map(last.hosts.map((h) => [h.host, h]));
      for (const h of table.hosts) {
        const old = before.get(h.host);
        if (
          old !== undefined &&
          JSON.stringify(old, (k, v) => (k === "certificate" ? v.id : v)) ===
            JSON.stringify(h, (k, v) => (k === "certificate" ? v.id : v))
        )
          assert.equal(h, old, `seed ${seed}, step ${step}: host ${h.host} unchanged, so the same entry`);
      }
      last = table;
    }
  }
});

test("with 1,000 owners, a change to one recomputes that owner, its host and its outcome only", () => {
  const many: OwnerRoutes[] = Array.from({ length: 1000 }, (_, i) => ({
    owner: { kind: "HTTPRoute", namespace: "default", name: `route-${i}` },
    created: CREATED[0] as string,
    routes: [
      {
        host: `r${i}.routes.test`,
        path: "/",
        match: { path: { type: "PathPrefix", value: "/" } },
        filters: [],
        backends: [{ type: "service", namespace: "default", name: "s1", port: 80, weight: 1 }],
      },
    ],
    tls: [],
  }));
  const reader: BackendReader = {
    service: () => service("s1", 80),
    endpoints: () => undefined,
    generation: 1,
  };
  const record = (ip: string): OwnerRoutes => ({
    created: CREATED[1] as string,
    owner: { kind: "DNSRecord", namespace: "default", name: "bench" },
    routes: [
      {
        host: "bench.test",
        path: "/",
        match: { path: { type: "PathPrefix", value: "/" } },
        filters: [],
        backends: [{ type: "address", ip, port: 80, weight: 1 }],
      },
    ],
    tls: [],
  });
  const builder = new RouteTableBuilder();
  const first = builder.build({ sources: [record("10.0.0.1"), ...many], backends: reader });
  assert.deepEqual(builder.computed, { owners: 1001, hosts: 1001, outcomes: 1001 });
  const moved = record("10.0.0.2");
  const second = builder.build({ sources: [moved, ...many], backends: reader });
  assert.deepEqual(builder.computed, { owners: 1, hosts: 1, outcomes: 1 });
  const changed = second.hosts.filter((h, i) => h !== first.hosts[i]).map((h) => h.host);
  assert.deepEqual(changed, ["bench.test"], "every other host keeps its entry");
  assert.equal(second.outcomes.filter((o, i) => o !== first.outcomes[i]).length, 1);
  builder.build({ sources: [moved, ...many], backends: reader });
  assert.deepEqual(builder.computed, { owners: 0, hosts: 0, outcomes: 0 }, "nothing changed, nothing computed");
});
