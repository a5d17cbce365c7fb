/**
 * The event recorder against a real API server: repeats become one Event whose count rises, a
 * storm is cut by the rate limit, a full queue drops instead of growing, an Event deleted on the
 * server is written again, key material never reaches a message, and an unreachable server costs
 * the caller nothing.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { resourceByPath } from "../../src/api/resources.ts";
import type { KubeObject } from "../../src/api/types.ts";
import { EventRecorder } from "../../src/client/event-recorder.ts";
import { RestClient } from "../../src/client/rest-client.ts";
import { freePort } from "../support/free-port.ts";
import { waitFor } from "../support/wait-for.ts";
import { type Harness, startHarness } from "./apiserver-harness.ts";

const EVENTS = resourceByPath("", "events")!;
let api: Harness;
let client: RestClient;

before(async () => {
  api = await startHarness();
  client = new RestClient({ server: api.url });
  await client.create(resourceByPath("", "namespaces")!, undefined, { metadata: { name: "shop" } });
});

after(async () => {
  await api?.close();
});

interface StoredEvent extends KubeObject {
  count: number;
  reason: string;
  message: string;
  firstTimestamp: string;
  lastTimestamp: string;
  involvedObject: { name: string; kind: string; uid?: string };
  source: { component: string };
}

async function eventsAbout(name: string): Promise<StoredEvent[]> {
  const list = await client.list<StoredEvent>(EVENTS, "shop", { fieldSelector: `involvedObject.name=${name}` });
  return list.items;
}

const record = (name: string) => ({ apiVersion: "kdns.dev/v1", kind: "DNSRecord", namespace: "shop", name, uid: name });

test("repeats are one Event whose count and lastTimestamp move", async () => {
  let now = Date.UTC(2026, 0, 1, 0, 0, 0);
  const recorder = new EventRecorder({ client, component: "kdns-gateway", clock: () => now });
  recorder.event(record("late"), "Warning", "Conflict", "not served: shop/early claims a.test /");
  await waitFor(async () => (await eventsAbout("late")).length === 1, { what: "the first Event" });
  for (let i = 0; i < 4; i++) {
    now += 1_000;
    recorder.event(record("late"), "Warning", "Conflict", "not served: shop/early claims a.test /");
  }
  await recorder.close(5_000);
  const events = await eventsAbout("late");
  assert.equal(events.length, 1);
  const [e] = events;
  assert.equal(e?.count, 5);
  assert.equal(e?.firstTimestamp, "2026-01-01T00:00:00Z");
  assert.equal(e?.lastTimestamp, "2026-01-01T00:00:04Z");
  assert.equal(e?.involvedObject.uid, "late");
  assert.equal(e?.source.component, "kdns-gateway");
  assert.equal(e?.type, "Warning");
});

test("a storm about one object is cut to the burst", async () => {
  const recorder = new EventRecorder({ client, component: "kdns-gateway", burst: 5 });
  for (let i = 0; i < 200; i++) recorder.event(record("storm"), "Warning", "Flapping", `change ${i}`);
  await recorder.close(5_000);
  assert.equal((await eventsAbout("storm")).length, 5);
});

test("a full queue drops events instead of growing", async () => {
  const recorder = new EventRecorder({ client, component: "kdns-gateway", queueSize: 3 });
  for (let i = 0; i < 50; i++) recorder.event(record(`many-${i}`), "Warning", "Conflict", "x");
  // The first is being written already; three more wait; the rest are dropped.
  assert.equal(recorder.dropped, 46);
  await recorder.close(5_000);
});

test("an Event deleted on the server is written again with its count", async () => {
  const recorder = new EventRecorder({ client, component: "kdns-gateway" });
  recorder.event(record("gone"), "Warning", "ConfigRejected", "nginx -t failed");
  await waitFor(async () => (await eventsAbout("gone")).length === 1, { what: "the first Event" });
  const [first] = await eventsAbout("gone");
  await client.delete(EVENTS, "shop", first?.metadata.name ?? "");
  recorder.event(record("gone"), "Warning", "ConfigRejected", "nginx -t failed");
  await recorder.close(5_000);
  const [again] = await eventsAbout("gone");
  assert.equal(again?.metadata.name, first?.metadata.name);
  assert.equal(again?.count, 2);
});

test("a message holding a PEM block is withheld (naming the format is not); a long one is cut to 1024 characters", async () => {
  const recorder = new EventRecorder({ client, component: "kdns-gateway" });
  recorder.event(record("pem"), "Warning", "InvalidCertificate", "bad: -----BEGIN PRIVATE KEY-----\nMIIEvQIBADAN");
  recorder.event(
    record("mention"),
    "Warning",
    "InvalidCertificate",
    "no PEM certificate (-----BEGIN CERTIFICATE-----)",
  );
  recorder.event(record("long"), "Warning", "Conflict", "y".repeat(5000));
  await recorder.close(5_000);
  const [pem] = await eventsAbout("pem");
  assert.doesNotMatch(pem?.message ?? "", /BEGIN|MIIE/);
  assert.match(pem?.message ?? "", /withheld/);
  const [mention] = await eventsAbout("mention");
  assert.equal(mention?.message, "no PEM certificate (-----BEGIN CERTIFICATE-----)");
  const [long] = await eventsAbout("long");
  assert.equal(long?.message.length, 1024);
});

test("an object named without its uid gets the uid the API holds for it; one that does not exist, none", async () => {
  const services = resourceByPath("", "services")!;
  const svc = await client.create<KubeObject>(services, "shop", {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: "named", namespace: "shop" },
    spec: { ports: [{ port: 53, protocol: "UDP" }] },
  });
  const recorder = new EventRecorder({ client, component: "kdns-dns" });
  const named = (name: string) => ({ apiVersion: "v1", kind: "Service", namespace: "shop", name });
  recorder.event(named("named"), "Warning", "UpstreamDown", "upstream 127.0.0.1:9 did not answer");
  recorder.event(named("absent"), "Warning", "UpstreamDown", "upstream 127.0.0.1:9 did not answer");
  await recorder.close(5_000);
  const [found] = await eventsAbout("named");
  assert.ok(svc.metadata.uid);
  assert.equal(found?.involvedObject.uid, svc.metadata.uid);
  const [absent] = await eventsAbout("absent");
  assert.ok(absent, "written without a uid");
  assert.equal(absent.involvedObject.uid, undefined);
});

test("an unreachable API server: event() returns at once and close() ends in its time", async () => {
  const dead = new RestClient({ server: `http://127.0.0.1:${await freePort()}` });
  const recorder = new EventRecorder({ client: dead, component: "kdns-dns" });
  const started = performance.now();
  for (let i = 0; i < 100; i++) recorder.event(record("dead"), "Warning", "UpstreamDown", `u${i}`);
  assert.ok(performance.now() - started < 1_000);
  await recorder.close(2_000);
});
