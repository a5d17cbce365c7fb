/**
 * `kdns up` shares one list and one watch per resource among its in-process components: the API
 * server counts one open watch of pods, Services, Endpoints, DNSRecords, Secrets, Namespaces and
 * Ingresses, while the controllers, DNS and the gateway each still report their own informers,
 * synced, and a change reaches all of them.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { dig } from "../support/dig.ts";
import { type KdnsUp, type LoopbackUp, startLoopbackUp } from "../support/kdns-up.ts";
import { parseSamples, type Series, sumOf } from "../support/prom-text.ts";
import { waitFor } from "../support/wait-for.ts";

let running: LoopbackUp;
let up: KdnsUp;
let dnsPort: number;

before(async () => {
  running = await startLoopbackUp();
  ({ up, dnsPort } = running);
});

after(async () => {
  await running?.stop();
});

async function samples() {
  return parseSamples(await (await fetch(`${up.server}/metrics`)).text());
}

test("kdns up opens one watch per resource for all its components", async () => {
  // (EndpointSlices have two: the endpoints controller watches only its own, by label selector.)
  const shared = ["pods", "services", "endpoints", "dnsrecords", "secrets", "namespaces", "ingresses"];
  // Each component still has its own informer of the resources it reads.
  const synced = (s: Series[], component: string) =>
    s
      .filter((x) => x.name === "kdns_informer_synced" && x.labels.component === component && x.value === 1)
      .map((x) => x.labels.resource);
  const mine = {
    controllers: ["services", "pods", "endpoints"],
    dns: ["services", "endpoints"],
    gateway: ["services", "endpoints"],
  };
  // Every component's informers synced first: a watch opens after its list, and a component that
  // starts after the shared watch runs lists on its own before it joins.
  await waitFor(async () => {
    const s = await samples();
    return (
      shared.every((resource) => sumOf(s, "apiserver_longrunning_requests", { verb: "WATCH", resource }) >= 1) &&
      Object.entries(mine).every(([component, resources]) => resources.every((r) => synced(s, component).includes(r)))
    );
  });
  const s = await samples();
  for (const resource of shared) {
    assert.equal(
      sumOf(s, "apiserver_longrunning_requests", { verb: "WATCH", resource }),
      1,
      `open watches of ${resource}`,
    );
  }

  // One change reaches every component through the shared watch: the controllers write the
  // Endpoints of a new Service's pod, which DNS then answers.
  const api = (path: string, body: unknown) =>
    fetch(`${up.server}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
  await api("/api/v1/namespaces", { metadata: { name: "shared" } });
  await api("/api/v1/namespaces/shared/services", {
    metadata: { name: "web" },
    spec: { clusterIP: "None", selector: { app: "web" }, ports: [{ port: 80 }] },
  });
  await api("/api/v1/namespaces/shared/pods", {
    metadata: { name: "web-1", labels: { app: "web" } },
    spec: { containers: [{ name: "c", image: "x" }] },
    status: { podIP: "10.9.0.7", conditions: [{ type: "Ready", status: "True" }] },
  });
  await waitFor(async () => {
    const r = await dig("127.0.0.1", dnsPort, ["web.shared.svc.cluster.local", "A"]);
    return r.answer.some((a) => a.data === "10.9.0.7");
  });
});
