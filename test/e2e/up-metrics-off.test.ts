/**
 * `kdns up --metrics off` counts no DNS query and no gateway request, yet every component's
 * informers still show in `kdns_informer_*`: the console's overview and `/readyz?verbose` read them.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { dig } from "../support/dig.ts";
import { type KdnsUp, type LoopbackUp, startLoopbackUp } from "../support/kdns-up.ts";
import { parseSamples } from "../support/prom-text.ts";
import { waitFor } from "../support/wait-for.ts";

let running: LoopbackUp;
let up: KdnsUp;
let dnsPort: number;

before(async () => {
  running = await startLoopbackUp(["--metrics", "off"]);
  ({ up, dnsPort } = running);
});

after(async () => {
  await running?.stop();
});

test("with --metrics off the DNS and gateway informers still show, and no query is counted", async () => {
  const r = await dig("127.0.0.1", dnsPort, ["kubernetes.default.svc.cluster.local", "A"]);
  assert.equal(r.status, "NOERROR");
  const synced = async (component: string) =>
    parseSamples(await (await fetch(`${up.server}/metrics`)).text())
      .filter((x) => x.name === "kdns_informer_synced" && x.labels.component === component && x.value === 1)
      .map((x) => x.labels.resource);
  for (const component of ["controllers", "dns", "gateway"])
    await waitFor(async () => (await synced(component)).includes("services"), { what: `${component} informers` });
  const text = await (await fetch(`${up.server}/metrics`)).text();
  assert.doesNotMatch(text, /^coredns_dns_requests_total/m);
  assert.doesNotMatch(text, /^nginx_ingress_controller_requests/m);
});
