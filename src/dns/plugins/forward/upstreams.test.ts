import assert from "node:assert/strict";
import { test } from "node:test";
import { UpstreamSet } from "./upstreams.ts";

test("the health callback hears each change of an upstream's health, and only changes", () => {
  const a = { host: "192.0.2.1", port: 53 };
  const b = { host: "192.0.2.2", port: 53 };
  const heard: string[] = [];
  const set = new UpstreamSet([a, b], (up, healthy) => heard.push(`${up.host} ${healthy ? "up" : "down"}`));
  set.report(a, true); // already healthy
  set.report(a, false);
  set.report(a, false);
  assert.deepEqual(set.order(), [b, a]);
  set.report(a, true);
  set.report(b, false);
  assert.deepEqual(heard, ["192.0.2.1 down", "192.0.2.1 up", "192.0.2.2 down"]);
});
