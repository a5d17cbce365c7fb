import assert from "node:assert/strict";
import { test } from "node:test";
import { FakeApi } from "../../test/support/fake-api.ts";
import { waitFor } from "../../test/support/wait-for.ts";
import type { DNSRecord, Endpoints, KubeObject, Service } from "../api/types.ts";
import { Informer } from "../client/informer.ts";
import type { RestClient } from "../client/rest-client.ts";
import { runGatewayController } from "./controller.ts";
import type { GatewayEngine } from "./engine.ts";
import type { RouteTable } from "./routes/model.ts";

const SERVICES = 2_000;

function service(name: string, rv = "1"): Service {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { namespace: "ns", name, resourceVersion: rv },
    spec: { clusterIP: "10.0.0.1", ports: [{ port: 80 }] },
  };
}

function endpoints(name: string, ip: string, rv = "1"): Endpoints {
  return {
    apiVersion: "v1",
    kind: "Endpoints",
    metadata: { namespace: "ns", name, resourceVersion: rv },
    subsets: [{ addresses: [{ ip }], ports: [{ port: 80 }] }],
  };
}

test("the gateway rebuilds only for Services and Endpoints a record routes to, reading only those", async (t) => {
  const lists = t.mock.method(Informer.prototype, "list");
  const api = new FakeApi();
  const record: DNSRecord = {
    apiVersion: "kdns.dev/v1",
    kind: "DNSRecord",
    metadata: { namespace: "ns", name: "web", resourceVersion: "1", creationTimestamp: "2026-01-01T00:00:00Z" },
    spec: { host: "web.example", paths: [{ path: "/", service: "svc-1", port: 80 }] },
  };
  api.setList("dnsrecords", [record]);
  api.setList(
    "services",
    Array.from({ length: SERVICES }, (_, i) => service(`svc-${i}`)),
  );
  api.setList(
    "endpoints",
    Array.from({ length: SERVICES }, (_, i) => endpoints(`svc-${i}`, "10.1.0.1")),
  );
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
  const client = { ...api.source(), patch: async () => ({}) } as unknown as RestClient;
  const abort = new AbortController();
  const controller = runGatewayController({ client, engine, gatewayAddress: "127.0.0.1" }, abort.signal);
  t.after(async () => {
    abort.abort();
    await controller.stopped();
  });
  await waitFor(() => controller.passes === 1, { what: "the first pass" });
  const ips = (): string[] => tables.at(-1)?.hosts[0]?.routes[0]?.backends.map((b) => b.ip) ?? [];
  assert.deepEqual(ips(), ["10.1.0.1"]);

  for (let i = 2; i < 50; i++) api.push("endpoints", "MODIFIED", endpoints(`svc-${i}`, "10.9.9.9", "2"));
  api.push("services", "MODIFIED", service("svc-7", "2"));
  api.push("endpoints", "MODIFIED", endpoints("svc-1", "10.2.0.2", "3"));
  await waitFor(() => ips()[0] === "10.2.0.2", { what: "the routed Service's new endpoint served" });
  await waitFor(() => controller.passes >= 2, { what: "the second pass to finish" });
  assert.equal(controller.passes, 2, "changes to objects no record names started no pass");
  const listed = lists.mock.calls.filter((c) => {
    const self = c.this as Informer<KubeObject>;
    return self.size >= SERVICES;
  });
  assert.equal(listed.length, 0, "no pass listed every Service or Endpoints");
});
