import assert from "node:assert/strict";
import { test } from "node:test";
import { renderResolvConf } from "./resolv-conf.ts";

test("port 53: nameserver, the pod's search list, ndots:5 and nothing else", () => {
  assert.equal(
    renderResolvConf({ namespace: "shop", nameserver: "127.0.10.53", port: 53, zone: "cluster.local" }),
    "nameserver 127.0.10.53\nsearch shop.svc.cluster.local svc.cluster.local cluster.local\noptions ndots:5\n",
  );
});

test("another port: a comment says resolv.conf cannot name it, and the nameserver line is still there", () => {
  const text = renderResolvConf({ namespace: "default", nameserver: "::1", port: 1053, zone: "example.internal" });
  const lines = text.trimEnd().split("\n");
  assert.equal(lines.length, 4);
  assert.match(lines[0]!, /^# .*port 1053.*cannot name a port/);
  assert.deepEqual(lines.slice(1), [
    "nameserver ::1",
    "search default.svc.example.internal svc.example.internal example.internal",
    "options ndots:5",
  ]);
});
