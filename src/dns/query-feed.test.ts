import assert from "node:assert/strict";
import { test } from "node:test";
import * as dnsPacket from "dns-packet";
import { waitFor } from "../../test/support/wait-for.ts";
import { MAX_BATCH, type QueryBatch, QueryFeed } from "./query-feed.ts";

const request = dnsPacket.encode({
  type: "query",
  id: 7,
  questions: [{ name: "web.shop.svc.cluster.local", type: "A", class: "IN" }],
});
const response = Buffer.from(request);
response[2] = 0x84;
response[3] = 0x03; // NXDOMAIN

function observe(feed: QueryFeed, times = 1): void {
  for (let i = 0; i < times; i++) feed.observe(true, "10.1.0.5", 5353, 1, false, 0, request, response, 0.00123);
}

test("unwatched, the feed keeps nothing; watched, it hands over batches of named events", async () => {
  const feed = new QueryFeed(["kubernetes", "server"]);
  observe(feed, 5);
  const batches: QueryBatch[] = [];
  const stop = feed.watch((b) => batches.push(b));
  observe(feed);
  await waitFor(() => batches.length === 1, { what: "one batch" });
  assert.equal(batches[0]!.events.length, 1, "queries from before the watch are not kept");
  const e = batches[0]!.events[0]!;
  assert.deepEqual(
    { ...e, at: 0 },
    {
      at: 0,
      client: "10.1.0.5",
      name: "web.shop.svc.cluster.local",
      type: "A",
      rcode: "NXDOMAIN",
      ms: 1.23,
      plugin: "kubernetes",
      transport: "udp",
    },
  );
  stop();
  observe(feed);
});

test("a flood is cut at MAX_BATCH per batch and counted as dropped", async () => {
  const feed = new QueryFeed(["kubernetes", "server"]);
  const batches: QueryBatch[] = [];
  const stop = feed.watch((b) => batches.push(b));
  observe(feed, MAX_BATCH + 25);
  await waitFor(() => batches.length === 1, { what: "one batch" });
  assert.equal(batches[0]!.events.length, MAX_BATCH);
  assert.equal(batches[0]!.dropped, 25);
  stop();
});
