/**
 * SkyDNS publishing against a real etcd: each served DNSRecord host appears as
 * `/dns/<reversed labels>` → `{"host":"<gateway address>"}` (what CoreDNS's etcd plugin reads) and
 * follows create, update and delete; keys pointing elsewhere are never touched.
 */

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { Etcd3 } from "etcd3";
import type { DNSRecord } from "../../src/api/types.ts";
import { skydnsKey } from "../../src/gateway/skydns/keys.ts";
import { startEtcd, type TestEtcd } from "../support/etcd.ts";
import { waitFor } from "../support/wait-for.ts";
import { DNSRECORDS, dnsRecord, type GatewayHarness, startGatewayHarness } from "./gateway-harness.ts";

let etcd: TestEtcd;
let admin: Etcd3;
let h: GatewayHarness;
const GATEWAY = "192.0.2.13";
const OWN = JSON.stringify({ host: GATEWAY });

before(async () => {
  etcd = await startEtcd();
  admin = new Etcd3({ hosts: [etcd.endpoint] });
  await admin.put("/dns/com/handwritten").value('{"host":"10.0.0.1"}');
  await admin.put("/dns/com/stale").value(OWN); // left by an earlier run for a record since deleted
  h = await startGatewayHarness("builtin", {
    gatewayAddress: GATEWAY,
    skydns: { endpoints: [etcd.endpoint], prefix: "/dns/" },
  });
});
after(async () => {
  await h?.close();
  admin?.close();
  await etcd?.stop();
});

const keys = async (): Promise<Record<string, string>> => await admin.getAll().prefix("/dns/").strings();

test("the SkyDNS key layout is CoreDNS's: labels reversed under the prefix", () => {
  assert.equal(skydnsKey("/dns", "node1.com"), "/dns/com/node1");
  assert.equal(skydnsKey("/skydns/", "a.b.example.org."), "/skydns/org/example/b/a");
});

test("hosts are published, moved and removed with their records; foreign keys stay", async () => {
  await waitFor(async () => !("/dns/com/stale" in (await keys())), { what: "stale own key removed at start" });
  await h.client.create(
    DNSRECORDS,
    "default",
    dnsRecord("dns-test1", "node1.com", [{ path: "/service1", address: "127.1.1.10", port: 8010 }]),
  );
  await waitFor(async () => (await keys())["/dns/com/node1"] === OWN, { what: "node1.com published" });
  const rec = await h.client.get<DNSRecord>(DNSRECORDS, "default", "dns-test1");
  await h.client.update(DNSRECORDS, { ...rec, spec: { ...rec.spec, host: "node2.com" } });
  await waitFor(
    async () => {
      const k = await keys();
      return k["/dns/com/node2"] === OWN && !("/dns/com/node1" in k);
    },
    { what: "host change moves the key" },
  );
  await h.client.delete(DNSRECORDS, "default", "dns-test1");
  await waitFor(async () => !("/dns/com/node2" in (await keys())), { what: "delete removes the key" });
  assert.deepEqual(await keys(), { "/dns/com/handwritten": '{"host":"10.0.0.1"}' });
});
