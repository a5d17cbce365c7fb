import assert from "node:assert/strict";
import { test } from "node:test";
import { hostPort, isLoopback, parseListen } from "./listen-address.ts";

test("parses listen addresses", () => {
  assert.deepEqual(parseListen("127.0.0.1:6443"), { host: "127.0.0.1", port: 6443 });
  assert.deepEqual(parseListen("[::1]:0"), { host: "::1", port: 0 });
  assert.deepEqual(parseListen(":8080"), { host: "0.0.0.0", port: 8080 });
  assert.throws(() => parseListen("127.0.0.1"), /invalid listen address "127.0.0.1"/);
  assert.throws(() => parseListen("127.0.0.1:70000"), /invalid listen address/);
});

test("knows loopback hosts and formats host:port", () => {
  assert.ok(isLoopback("127.0.0.1") && isLoopback("::1") && isLoopback("localhost"));
  assert.ok(!isLoopback("0.0.0.0") && !isLoopback("10.0.0.1") && !isLoopback("::"));
  assert.equal(hostPort("::1", 80), "[::1]:80");
  assert.equal(hostPort("127.0.0.1", 80), "127.0.0.1:80");
});
