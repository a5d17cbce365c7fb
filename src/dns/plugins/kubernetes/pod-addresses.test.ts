import assert from "node:assert/strict";
import { test } from "node:test";
import { infoIPs, PodAddresses, podInfo } from "./pod-addresses.ts";

test("a single IPv4 address packs into an int32 and back, high octets included", () => {
  for (const ip of ["10.128.3.4", "255.255.255.255", "0.0.0.0", "192.168.1.200"]) {
    const info = podInfo([ip]);
    assert.equal(typeof info, "number");
    assert.deepEqual(infoIPs(info), [ip]);
  }
  assert.equal(podInfo(["10.0.0.1", "fd00::1"]), "10.0.0.1,fd00::1");
  assert.deepEqual(infoIPs(podInfo(["fd00::1"])), ["fd00::1"]);
  assert.deepEqual(infoIPs(podInfo([])), []);
});

test("pod addresses are counted per namespace: two pods share an IP until both are gone", () => {
  const pods = new PodAddresses();
  pods.change("a", podInfo(["10.0.0.1"]), +1);
  pods.change("a", podInfo(["10.0.0.1", "fd00::1"]), +1);
  assert.ok(pods.has("a", "10.0.0.1"));
  assert.ok(pods.has("a", "fd00::1"));
  assert.equal(pods.has("b", "10.0.0.1"), false);
  assert.deepEqual(pods.change("a", podInfo(["10.0.0.1"]), -1), ["10.0.0.1"]);
  assert.ok(pods.has("a", "10.0.0.1"));
  pods.change("a", podInfo(["10.0.0.1", "fd00::1"]), -1);
  assert.equal(pods.has("a", "10.0.0.1"), false);
  assert.equal(pods.has("a", "fd00::1"), false);
});
