import assert from "node:assert/strict";
import { test } from "node:test";
import { FakeApi } from "../../test/support/fake-api.ts";
import { waitFor } from "../../test/support/wait-for.ts";
import type { Gateway, GatewayClass, HTTPRoute } from "../api/gateway-api-types.ts";
import type { DNSRecord, Endpoints, Ingress, IngressClass, KubeObject, Secret, Service } from "../api/types.ts";
import { Informer } from "../client/informer.ts";
import type { RestClient } from "../client/rest-client.ts";
import { runGatewayController } from "./controller.ts";
import type { GatewayEngine } from "./engine.ts";
import type { ConfigChanges } from "./metrics/config-changes.ts";
import type { RouteTable } from "./routes/model.ts";

const NAMESPACES = 20;
const SERVICES = 2_000;
const RECORDS = 100; // name svc-0 … svc-99
const INGRESSES = 50; // name svc-100 … svc-149 and secret-100 … secret-149
const ROUTES = 50; // name svc-150 … svc-199

const ns = (i: number): string => `ns-${i % NAMESPACES}`;
const meta = (i: number, name: string, rv = "1"): KubeObject["metadata"] => ({
  namespace: ns(i),
  name,
  uid: `uid-${name}`,
  resourceVersion: rv,
  generation: 1,
  creationTimestamp: "2026-01-01T00:00:00Z",
});

const service = (i: number, rv = "1", labels?: Record<string, string>): Service => ({
  apiVersion: "v1",
  kind: "Service",
  metadata: { ...meta(i, `svc-${i}`, rv), ...(labels ? { labels } : {}) },
  spec: { clusterIP: "10.96.0.1", ports: [{ port: 80 }] },
});

const endpoints = (i: number, ip: string, rv = "1"): Endpoints => ({
  apiVersion: "v1",
  kind: "Endpoints",
  metadata: meta(i, `svc-${i}`, rv),
  subsets: [{ addresses: [{ ip }], ports: [{ port: 8080 }] }],
});

const secret = (i: number, rv = "1"): Secret =>
  ({ apiVersion: "v1", kind: "Secret", metadata: meta(i, `secret-${i}`, rv), type: "Opaque", data: {} }) as Secret;

const record = (i: number): DNSRecord =>
  ({
    apiVersion: "kdns.dev/v1",
    kind: "DNSRecord",
    metadata: meta(i, `rec-${i}`),
    spec: { host: `r${i}.test`, paths: [{ path: "/", service: `svc-${i}`, port: 80 }] },
  }) as DNSRecord;

const ingress = (i: number): Ingress => ({
  apiVersion: "networking.k8s.io/v1",
  kind: "Ingress",
  metadata: meta(i, `ing-${i}`),
  spec: {
    ingressClassName: "kdns",
    tls: [{ hosts: [`i${i}.test`], secretName: `secret-${i}` }],
    rules: [
      {
        host: `i${i}.test`,
        http: {
          paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: `svc-${i}`, port: { number: 80 } } } }],
        },
      },
    ],
  },
});

const httpRoute = (i: number): HTTPRoute =>
  ({
    apiVersion: "gateway.networking.k8s.io/v1",
    kind: "HTTPRoute",
    metadata: meta(i, `route-${i}`),
    spec: {
      parentRefs: [{ name: "web", namespace: "ns-0" }],
      hostnames: [`h${i}.test`],
      rules: [{ backendRefs: [{ name: `svc-${i}`, port: 80 }] }],
    },
  }) as HTTPRoute;

const GATEWAY = {
  apiVersion: "gateway.networking.k8s.io/v1",
  kind: "Gateway",
  metadata: meta(0, "web"),
  spec: {
    gatewayClassName: "kdns",
    listeners: [
      { name: "http", protocol: "HTTP", port: 80, allowedRoutes: { namespaces: { from: "All" } } },
      { name: "https", protocol: "HTTPS", port: 443, tls: { certificateRefs: [{ name: "secret-0" }] } },
    ],
  },
} as unknown as Gateway;

/** The fake API, with the writes a pass makes (statuses, the default IngressClass's marker) answered. */
function fakeClient(api: FakeApi): RestClient {
  return {
    ...api.source(),
    get: async () => ({ metadata: {} }),
    patch: async () => ({ metadata: {} }),
    create: async (_info: unknown, _ns: unknown, obj: KubeObject) => obj,
  } as unknown as RestClient;
}

/** A built-in engine that applies every table and keeps them, in order. */
function recordingEngine(): { tables: RouteTable[]; engine: GatewayEngine } {
  const tables: RouteTable[] = [];
  const engine: GatewayEngine = {
    kind: "builtin",
    listen: "127.0.0.1:1",
    apply: async (table) => {
      tables.push(table);
      return { type: "applied" };
    },
    close: async () => undefined,
  };
  return { tables, engine };
}

const backendsOf = (table: RouteTable | undefined, host: string): string[] =>
  (table?.hosts.find((h) => h.host === host)?.routes[0]?.groups[0]?.backends ?? []).map((b) => b.ip);

test("on 2,000 Services, Endpoints and Secrets: what no route names schedules no pass, and passes list none of them", async (t) => {
  const lists = t.mock.method(Informer.prototype, "list");
  const api = new FakeApi();
  const all = Array.from({ length: SERVICES }, (_, i) => i);
  api.setList(
    "services",
    all.map((i) => service(i)),
  );
  api.setList(
    "endpoints",
    all.map((i) => endpoints(i, "10.1.0.1")),
  );
  api.setList(
    "secrets",
    all.map((i) => secret(i)),
  );
  api.setList(
    "dnsrecords",
    Array.from({ length: RECORDS }, (_, i) => record(i)),
  );
  api.setList(
    "ingresses",
    Array.from({ length: INGRESSES }, (_, i) => ingress(100 + i)),
  );
  api.setList("ingressclasses", [
    {
      apiVersion: "networking.k8s.io/v1",
      kind: "IngressClass",
      metadata: { name: "kdns" },
      spec: { controller: "kdns.dev/gateway" },
    } as IngressClass,
  ]);
  api.setList("gatewayclasses", [
    {
      apiVersion: "gateway.networking.k8s.io/v1",
      kind: "GatewayClass",
      metadata: { name: "kdns", generation: 1 },
      spec: { controllerName: "kdns.dev/gateway" },
    } as GatewayClass,
  ]);
  api.setList("gateways", [GATEWAY]);
  api.setList(
    "httproutes",
    Array.from({ length: ROUTES }, (_, i) => httpRoute(150 + i)),
  );

  const { tables, engine } = recordingEngine();
  const heard: string[] = [];
  const changes = {
    changed: (o?: KubeObject) => void heard.push(`${o?.kind} ${o?.metadata.name}`),
    passStarts: () => undefined,
    applied: () => undefined,
  } as unknown as ConfigChanges;
  const abort = new AbortController();
  const controller = runGatewayController(
    { client: fakeClient(api), engine, gatewayAddress: "127.0.0.1", changes },
    abort.signal,
  );
  t.after(async () => {
    abort.abort();
    await controller.stopped();
  });
  await waitFor(() => tables.length > 0, { what: "the first pass", timeoutMs: 60_000 });
  const first = tables.at(-1);
  assert.deepEqual(backendsOf(first, "r5.test"), ["10.1.0.1"], "a record's Service resolved");
  assert.deepEqual(backendsOf(first, "i120.test"), ["10.1.0.1"], "an Ingress's Service resolved");
  assert.deepEqual(backendsOf(first, "h170.test"), ["10.1.0.1"], "an HTTPRoute's Service resolved");

  // Events on objects no route names, each followed on its own watch stream by one a route names:
  // once the named one is heard, the other has been handled before it.
  api.push("endpoints", "MODIFIED", endpoints(1999, "10.9.9.9", "2"));
  api.push("services", "MODIFIED", service(1998, "2", { changed: "yes" }));
  api.push("secrets", "MODIFIED", secret(1997, "2"));
  api.push("endpoints", "MODIFIED", endpoints(5, "10.2.0.5", "2"));
  api.push("services", "MODIFIED", service(170, "2", { changed: "yes" }));
  api.push("secrets", "MODIFIED", secret(120, "2")); // an Ingress's TLS Secret
  api.push("secrets", "MODIFIED", secret(0, "2")); // the Gateway listener's certificate
  await waitFor(() => heard.length >= 4 && backendsOf(tables.at(-1), "r5.test")[0] === "10.2.0.5", {
    what: "the named Endpoints, Service and Secrets heard and served",
  });
  assert.deepEqual(heard.sort(), ["Endpoints svc-5", "Service svc-170", "undefined undefined", "undefined undefined"]);

  const wholeKind = lists.mock.calls
    .map((c) => (c.this as Informer<KubeObject>).resource)
    .filter((r) => r === "services" || r === "endpoints" || r === "secrets");
  assert.deepEqual(wholeKind, [], "no pass or event handler listed Services, Endpoints or Secrets");
});

test("with 1,000 HTTPRoutes, a change to one DNSRecord translates, builds and applies that record only, and writes no route status", async (t) => {
  const api = new FakeApi();
  const stored = new Map<string, KubeObject>(); // "resource namespace/name" → the object as stored
  const store = (resource: string, o: KubeObject): KubeObject => {
    stored.set(`${resource} ${o.metadata.namespace ?? ""}/${o.metadata.name}`, o);
    return o;
  };
  const gatewayClass = {
    apiVersion: "gateway.networking.k8s.io/v1",
    kind: "GatewayClass",
    metadata: { name: "kdns", generation: 1, resourceVersion: "1" },
    spec: { controllerName: "kdns.dev/gateway" },
  } as GatewayClass;
  const rec = (ip: string, generation: number): DNSRecord =>
    ({
      apiVersion: "kdns.dev/v1",
      kind: "DNSRecord",
      metadata: { ...meta(0, "bench", String(generation)), generation },
      spec: { host: "bench.test", paths: [{ path: "/", address: ip, port: 80 }] },
    }) as DNSRecord;
  api.setList("dnsrecords", [store("dnsrecords", rec("10.0.0.1", 1))]);
  api.setList("services", [store("services", service(150))]);
  api.setList("endpoints", [store("endpoints", endpoints(150, "10.1.0.1"))]);
  api.setList("gatewayclasses", [store("gatewayclasses", gatewayClass)]);
  api.setList("gateways", [store("gateways", GATEWAY)]);
  api.setList(
    "httproutes",
    Array.from({ length: 1_000 }, (_, i) =>
      store("httproutes", {
        ...httpRoute(150),
        metadata: meta(i, `route-${i}`),
        spec: { ...httpRoute(150).spec, hostnames: [`h${i}.test`] },
      } as HTTPRoute),
    ),
  );
  // Status writes land in the fake API and come back as watch events, as they would from a real one.
  let version = 100;
  const statusWrites: string[] = [];
  const client = {
    ...api.source(),
    get: async () => ({ metadata: {} }),
    create: async (_info: unknown, _ns: unknown, obj: KubeObject) => obj,
    patch: async (info: { resource: string }, ns: string | undefined, name: string, body: { status: unknown }) => {
      statusWrites.push(info.resource);
      const key = `${info.resource} ${ns ?? ""}/${name}`;
      const old = stored.get(key);
      if (!old) return { metadata: {} };
      const next = store(info.resource, {
        ...old,
        metadata: { ...old.metadata, resourceVersion: String(++version) },
        status: body.status,
      } as KubeObject);
      api.push(info.resource, "MODIFIED", next);
      return next;
    },
  } as unknown as RestClient;

  const { tables, engine } = recordingEngine();
  const abort = new AbortController();
  const controller = runGatewayController({ client, engine, gatewayAddress: "127.0.0.1" }, abort.signal);
  t.after(async () => {
    abort.abort();
    await controller.stopped();
  });
  await waitFor(() => controller.passes > 0 && tables.at(-1)?.hosts.length === 1_001, {
    what: "the first pass, its statuses written",
    timeoutMs: 60_000,
  });
  assert.equal(statusWrites.filter((r) => r === "httproutes").length, 1_000, "each route's status written once");

  // The status writes come back as watch events: a status-only update schedules no pass.
  const writesBefore = statusWrites.length;
  const before = tables.at(-1) as RouteTable;
  const passes = controller.passes;
  const written = stored.get("dnsrecords ns-0/bench") as DNSRecord;
  assert.ok(written.status, "the record's status was written");
  api.push("dnsrecords", "MODIFIED", store("dnsrecords", { ...rec("10.0.0.2", 2), status: written.status }));
  await waitFor(() => controller.passes > passes && backendsOf(tables.at(-1), "bench.test")[0] === "10.0.0.2", {
    what: "the changed record served, its statuses written",
  });
  assert.deepEqual(
    controller.work,
    { attached: 0, translated: 1, owners: 1, hosts: 1, outcomes: 1 },
    "only the record was translated and built",
  );
  const after = tables.at(-1) as RouteTable;
  assert.deepEqual(
    after.hosts.filter((h, i) => h !== before.hosts[i]).map((h) => h.host),
    ["bench.test"],
    "every other host is handed to the engine as the same entry",
  );
  assert.deepEqual(statusWrites.slice(writesBefore), [], "no status written: none changed");
});
