/**
 * resourceVersion semantics of list and watch as the API conventions define them, including a
 * client resuming from a revision the store has not reached (kdns restarted on an emptied store).
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { type Harness, readEvents, startHarness } from "./apiserver-harness.ts";

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(() => h.close());

const CMS = "/api/v1/namespaces/default/configmaps";

test("list: NotOlderThan and Exact read at or after the revision; one the store has not reached is 504 Too large", async () => {
  const created = await h.call("POST", CMS, { metadata: { name: "rv" } });
  const rv = Number(created.body.metadata.resourceVersion);
  await h.call("PATCH", `${CMS}/rv`, { data: { a: "b" } }, { "content-type": "application/merge-patch+json" });
  const newer = await h.call("GET", `${CMS}?resourceVersion=${rv}&resourceVersionMatch=NotOlderThan`);
  assert.equal(newer.status, 200);
  assert.ok(Number(newer.body.metadata.resourceVersion) > rv);
  assert.deepEqual(newer.body.items.find((i: any) => i.metadata.name === "rv").data, { a: "b" });
  const exact = await h.call("GET", `${CMS}?resourceVersion=${rv}&resourceVersionMatch=Exact`);
  assert.equal(exact.body.metadata.resourceVersion, String(rv));
  assert.equal(exact.body.items.find((i: any) => i.metadata.name === "rv").data, undefined);
  for (const match of ["NotOlderThan", "Exact", ""]) {
    const future = await h.call("GET", `${CMS}?resourceVersion=${rv + 1000}&resourceVersionMatch=${match}`);
    assert.equal(future.status, 504, `${match}: ${JSON.stringify(future.body)}`);
    assert.match(future.body.message, new RegExp(`^Timeout: Too large resource version: ${rv + 1000}, current: \\d+$`));
    assert.equal(future.body.details.causes[0].reason, "ResourceVersionTooLarge");
  }
});

test("list: resourceVersionMatch needs a resourceVersion, Exact not 0, and only known values", async () => {
  const cases: [string, RegExp][] = [
    ["resourceVersionMatch=Exact", /resourceVersionMatch is forbidden unless resourceVersion is provided/],
    [
      "resourceVersion=0&resourceVersionMatch=Exact",
      /resourceVersionMatch "exact" is forbidden for resourceVersion "0"/,
    ],
    [
      "resourceVersion=1&resourceVersionMatch=Newest",
      /Unsupported value: "Newest": supported values: "Exact", "NotOlderThan"/,
    ],
  ];
  for (const [query, message] of cases) {
    const res = await h.call("GET", `${CMS}?${query}`);
    assert.equal(res.status, 422, query);
    assert.match(res.body.message, message);
  }
  assert.equal((await h.call("GET", `${CMS}?resourceVersion=0&resourceVersionMatch=NotOlderThan`)).status, 200);
});

test("watch from a revision the store has not reached ends with 410 Expired at once, so the client relists", async () => {
  const current = Number((await h.call("GET", CMS)).body.metadata.resourceVersion);
  const res = await fetch(`${h.url}${CMS}?watch=true&resourceVersion=${current + 500}`);
  assert.equal(res.status, 200);
  const events = await readEvents(res, (e) => e.length > 0);
  assert.equal(events[0].type, "ERROR");
  assert.equal(events[0].object.code, 410);
  assert.equal(events[0].object.reason, "Expired");
});

test("sendInitialEvents from a resourceVersion the store has not reached is 504 Too large", async () => {
  const current = Number((await h.call("GET", CMS)).body.metadata.resourceVersion);
  const query = `watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&resourceVersion=${current + 500}`;
  const res = await h.call("GET", `${CMS}?${query}`);
  assert.equal(res.status, 504);
  assert.equal(res.body.details.causes[0].reason, "ResourceVersionTooLarge");
});
