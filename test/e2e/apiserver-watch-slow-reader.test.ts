/**
 * End-to-end: a watcher whose client stops reading is written only as fast as its socket drains,
 * and once it has more events waiting than the limit it is closed with a 410 ERROR (counted in
 * `apiserver_terminated_watchers_total`); a client reading normally meanwhile gets every event, and
 * the slow one resumes from the last event it read.
 */
import assert from "node:assert/strict";
import { connect } from "node:net";
import { after, before, test } from "node:test";
import { Registry } from "prom-client";
import { waitFor } from "../support/wait-for.ts";
import { type Harness, readEvents, startHarness } from "./apiserver-harness.ts";

const LIMIT = 20;
const registry = new Registry();
let h: Harness;
before(async () => {
  h = await startHarness({ metrics: registry, watchQueueLimit: LIMIT });
  await h.call("POST", "/api/v1/namespaces", { metadata: { name: "slow" } });
});
after(async () => {
  await h.close();
});

const CM = "/api/v1/namespaces/slow/configmaps";

async function terminated(): Promise<number> {
  const metric = await registry.getSingleMetric("apiserver_terminated_watchers_total")?.get();
  return metric?.values.find((v) => v.labels.resource === "configmaps")?.value ?? 0;
}

/**
 * A watch on a plain socket that reads the response head and then stops reading until `resume`,
 * which resolves with everything received once the server closes the connection.
 */
async function stalledWatch(path: string): Promise<{ resume(): Promise<Buffer> }> {
  const { hostname, port } = new URL(h.url);
  const socket = connect({ host: hostname, port: Number(port) });
  const chunks: Buffer[] = [];
  const closed = new Promise<Buffer>((resolve, reject) => {
    socket.on("error", reject);
    socket.on("close", () => resolve(Buffer.concat(chunks)));
  });
  await new Promise<void>((resolve) => {
    socket.write(`GET ${path} HTTP/1.1\r\nhost: ${hostname}\r\nconnection: close\r\n\r\n`);
    let head = true;
    socket.on("data", (chunk: Buffer) => {
      chunks.push(chunk);
      if (head && Buffer.concat(chunks).includes("\r\n\r\n")) {
        head = false;
        socket.pause();
        resolve();
      }
    });
  });
  return {
    resume: () => {
      socket.resume();
      return closed;
    },
  };
}

/** The JSON lines of a chunked body (chunk-size lines and framing skipped). */
function eventsOf(raw: Buffer): any[] {
  const body = raw.subarray(raw.indexOf("\r\n\r\n") + 4).toString("utf8");
  const events: any[] = [];
  for (const line of body.split("\r\n").join("").split("\n")) {
    const start = line.indexOf('{"type"');
    if (start >= 0) events.push(JSON.parse(line.slice(start)));
  }
  return events;
}

test("a watcher that stops reading is closed with 410 once it falls behind; a reading one gets everything", async () => {
  const created = (await h.call("POST", CM, { metadata: { name: "big" }, data: { v: "0" } })).body;
  const from = created.metadata.resourceVersion;
  const slow = await stalledWatch(`${CM}?watch=true&resourceVersion=${from}`);
  const ac = new AbortController();
  const normal = await fetch(`${h.url}${CM}?watch=true&resourceVersion=${from}`, { signal: ac.signal });
  const reading = readEvents(normal, (e) => e.at(-1)?.object.data.v === "end");
  const payload = "x".repeat(256 * 1024);

  // Write until the stalled watcher is closed, then as much again: none of that may reach it.
  let written = 0;
  let rvAtClose = 0;
  let lastRv = "";
  let extra = -1;
  let slowReceived: Promise<Buffer> | undefined;
  for (let i = 1; extra !== 0; i++) {
    assert.ok(i <= 600, `the stalled watcher was not closed after ${i - 1} updates of 256 KiB`);
    const res = await h.call("PUT", `${CM}/big`, { metadata: { name: "big" }, data: { v: `${i}`, payload } });
    assert.equal(res.status, 200);
    lastRv = res.body.metadata.resourceVersion;
    written++;
    if (extra > 0) extra--;
    else if (extra < 0 && (await terminated()) === 1) {
      rvAtClose = Number(lastRv);
      extra = 2 * LIMIT;
      // Read now: the server drops a closed watcher's connection if it stays unread.
      slowReceived = slow.resume();
    }
  }
  assert.equal(await terminated(), 1);
  const endRes = await h.call("PUT", `${CM}/big`, { metadata: { name: "big" }, data: { v: "end" } });
  lastRv = endRes.body.metadata.resourceVersion;

  const normalEvents = await reading;
  ac.abort();
  assert.deepEqual(
    normalEvents.map((e) => e.object.data.v),
    [...Array.from({ length: written }, (_, i) => `${i + 1}`), "end"],
    "the client that reads gets every update, in order",
  );

  assert.ok(slowReceived);
  const slowEvents = eventsOf(await slowReceived);
  const end = slowEvents.at(-1);
  assert.equal(end.type, "ERROR");
  assert.equal(end.object.code, 410);
  assert.match(end.object.message, /fell behind/);
  const seen = slowEvents.slice(0, -1);
  assert.ok(seen.length < written - LIMIT, `the stalled watcher got ${seen.length} of ${written} events`);
  for (const ev of seen) assert.ok(Number(ev.object.metadata.resourceVersion) <= rvAtClose);

  // It resumes from the last event it read and gets the rest.
  const resumeFrom = seen.at(-1)?.object.metadata.resourceVersion ?? from;
  const ac2 = new AbortController();
  const again = await fetch(`${h.url}${CM}?watch=true&resourceVersion=${resumeFrom}`, { signal: ac2.signal });
  const rest = await readEvents(again, (e) => e.at(-1)?.object.metadata.resourceVersion === lastRv);
  ac2.abort();
  assert.equal(rest.length, written + 1 - seen.length);
  assert.equal(await terminated(), 1, "the resumed watcher and the reading one were never closed");
  await waitFor(async () => {
    const open = await registry.getSingleMetric("apiserver_longrunning_requests")?.get();
    return (open?.values.find((v) => v.labels.resource === "configmaps")?.value ?? 0) === 0;
  });
});
