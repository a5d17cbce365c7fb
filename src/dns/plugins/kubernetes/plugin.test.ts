import assert from "node:assert/strict";
import { type TestContext, test } from "node:test";
import * as dnsPacket from "dns-packet";
import { FakeApi } from "../../../../test/support/fake-api.ts";
import { waitFor } from "../../../../test/support/wait-for.ts";
import type { KubeObject } from "../../../api/types.ts";
import { chain, type DnsReply } from "../../plugin.ts";
import { createHandler } from "../../server/handler.ts";
import { type ParsedQuery, parseQuery } from "../../wire/query.ts";
import { KubernetesPlugin } from "./plugin.ts";

function service(name: string, clusterIP: string, rv: string): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { namespace: "default", name, resourceVersion: rv },
    spec: { clusterIP, ports: [{ name: "http", port: 80 }] },
  };
}

/** The plugin over a fake API with one Service, synced; stopped when the test ends. */
async function synced(t: TestContext): Promise<{
  api: FakeApi;
  ask: (name: string) => Promise<{ rcode: string; answers: string[] }>;
  plugin: KubernetesPlugin;
}> {
  const api = new FakeApi();
  api.setList("services", [service("web", "10.96.0.10", "2")]);
  const plugin = new KubernetesPlugin({
    source: api.source(),
    zone: "cluster.local",
    ttl: 5,
    pods: "disabled",
    nsAddresses: [],
  });
  const last = (): DnsReply => ({ type: "answer", rcode: 5, authoritative: false, sections: undefined });
  const handler = createHandler(chain([plugin], last));
  const controller = new AbortController();
  t.after(() => controller.abort());
  plugin.start(controller.signal);
  await waitFor(() => plugin.ready(), { what: "sync" });
  let id = 1;
  const ask = async (name: string) => {
    const msg = dnsPacket.encode({ type: "query", id: id++, questions: [{ name, type: "A", class: "IN" }] });
    const out = await handler(msg, "udp", "127.0.0.1");
    assert.ok(out);
    const res = dnsPacket.decode(out) as dnsPacket.DecodedPacket & { rcode?: string };
    return {
      rcode: res.rcode ?? "",
      answers: (res.answers ?? []).map((a) => `${a.name} ${String((a as { data?: unknown }).data)}`),
    };
  };
  return { api, ask, plugin };
}

test("after the first sync a service answers its cluster IP", async (t) => {
  const s = await synced(t);
  assert.deepEqual(await s.ask("web.default.svc.cluster.local"), {
    rcode: "NOERROR",
    answers: ["web.default.svc.cluster.local 10.96.0.10"],
  });
});

test("a cached answer serves every case of the name, and a change replaces it", async (t) => {
  const s = await synced(t);
  assert.deepEqual((await s.ask("web.default.svc.cluster.local")).answers, [
    "web.default.svc.cluster.local 10.96.0.10",
  ]);
  assert.deepEqual(
    (await s.ask("WEB.Default.svc.cluster.local")).answers,
    ["WEB.Default.svc.cluster.local 10.96.0.10"],
    "owner echoes the asked case",
  );
  s.api.push("services", "DELETED", service("web", "10.96.0.10", "3"));
  await waitFor(async () => (await s.ask("Web.default.svc.cluster.local")).rcode === "NXDOMAIN", {
    what: "deleted service forgotten",
  });
  s.api.push("services", "ADDED", service("web", "10.96.0.11", "4"));
  await waitFor(
    async () =>
      (await s.ask("web.default.svc.cluster.local")).answers[0] === "web.default.svc.cluster.local 10.96.0.11",
    { what: "re-created service answered" },
  );
  assert.deepEqual((await s.ask("wEb.default.svc.cluster.local")).answers, [
    "wEb.default.svc.cluster.local 10.96.0.11",
  ]);
});

test("a reverse name passed on is tagged, and the tag goes stale when a Service changes", async (t) => {
  const s = await synced(t);
  const msg = dnsPacket.encode({
    type: "query",
    id: 1,
    questions: [{ name: "20.0.96.10.in-addr.arpa", type: "PTR", class: "IN" }],
  });
  const reply = (await s.plugin.serve(
    { msg, query: parseQuery(msg) as ParsedQuery, transport: "udp", clientAddress: "127.0.0.1" },
    (): DnsReply => ({ type: "raw", bytes: Buffer.alloc(12), sources: [{ stale: false }] }),
  )) as Extract<DnsReply, { type: "raw" }>;
  assert.equal(reply.type, "raw", "an unknown reverse name goes on to forwarding");
  assert.equal(reply.sources?.[1]?.stale, false);
  s.api.push("services", "ADDED", service("db", "10.96.0.20", "3"));
  await waitFor(() => reply.sources?.[1]?.stale === true, { what: "the tag to go stale after the Service arrived" });
  assert.equal((await s.ask("db.default.svc.cluster.local")).answers[0], "db.default.svc.cluster.local 10.96.0.20");
});
