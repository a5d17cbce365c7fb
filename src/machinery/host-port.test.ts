import assert from "node:assert/strict";
import { test } from "node:test";
import {
  errnoText,
  formatHostPort,
  isLoopback,
  isWildcard,
  ListenError,
  parseHostPort,
  reachableAddress,
  reaches,
} from "./host-port.ts";

test("host:port accepts IPv4, bracketed IPv6, names and :port; rejects the rest with the value", () => {
  assert.deepEqual(parseHostPort("127.0.0.1:6443"), { host: "127.0.0.1", port: 6443 });
  assert.deepEqual(parseHostPort("[::1]:53"), { host: "::1", port: 53 });
  assert.deepEqual(parseHostPort("localhost:0"), { host: "localhost", port: 0 });
  assert.deepEqual(parseHostPort(":8080"), { host: "0.0.0.0", port: 8080 });
  for (const bad of ["127.0.0.1", "1.2.3.4:70000", "::1:53", "[zz]:1", "a b:1", "1.2.3.4:"])
    assert.throws(
      () => parseHostPort(bad),
      (err: Error) => err.message.includes(bad),
    );
});

test("a default port makes the port optional; ipOnly refuses names", () => {
  const opts = { defaultPort: 53, ipOnly: true };
  assert.deepEqual(parseHostPort("192.0.2.53", opts), { host: "192.0.2.53", port: 53 });
  assert.deepEqual(parseHostPort("2001:db8::53", opts), { host: "2001:db8::53", port: 53 });
  assert.deepEqual(parseHostPort("[2001:db8::53]:5353", opts), { host: "2001:db8::53", port: 5353 });
  assert.throws(() => parseHostPort("dns.google:53", opts), /"dns.google:53" must be an IP address/);
  assert.throws(() => parseHostPort("dns.google", opts), /must be an IP address/);
});

test("formats IPv6 in brackets; knows wildcard and loopback hosts", () => {
  assert.equal(formatHostPort({ host: "::1", port: 80 }), "[::1]:80");
  assert.equal(formatHostPort({ host: "127.0.0.1", port: 80 }), "127.0.0.1:80");
  assert.ok(isWildcard("0.0.0.0") && isWildcard("::") && isWildcard(""));
  assert.ok(!isWildcard("127.0.0.1"));
  assert.ok(isLoopback("127.0.0.1") && isLoopback("127.1.2.3") && isLoopback("::1") && isLoopback("localhost"));
  assert.ok(!isLoopback("0.0.0.0") && !isLoopback("10.0.0.1") && !isLoopback("::"));
});

test("what reaches a listener: same address, a wildcard target, or any local address of a wildcard listener", () => {
  const at = (host: string, port = 53) => ({ host, port });
  assert.ok(reaches(at("127.0.0.1"), at("127.0.0.1")));
  assert.ok(reaches(at("::ffff:127.0.0.1"), at("127.0.0.1")), "IPv4-mapped is the same address");
  assert.ok(reaches(at("0.0.0.0"), at("127.0.0.1")));
  assert.ok(reaches(at("127.0.0.2"), at("0.0.0.0")), "all of 127/8 is local");
  assert.ok(reaches(at("::1"), at("::")));
  assert.ok(!reaches(at("127.0.0.1", 54), at("127.0.0.1")));
  assert.ok(!reaches(at("127.0.0.2"), at("127.0.0.1")));
  assert.ok(!reaches(at("192.0.2.1"), at("0.0.0.0")));
});

test("reachable addresses and errno words", () => {
  assert.equal(reachableAddress("0.0.0.0"), "127.0.0.1");
  assert.equal(reachableAddress("::"), "::1");
  assert.equal(reachableAddress("localhost"), "127.0.0.1");
  assert.equal(reachableAddress("127.0.0.7"), "127.0.0.7");
  const inUse = Object.assign(new Error("listen EADDRINUSE"), { code: "EADDRINUSE" });
  assert.equal(errnoText(inUse), "address already in use");
  assert.equal(errnoText(new Error("odd")), "odd");
  const err = new ListenError("dns", { host: "::1", port: 53 }, inUse, "udp");
  assert.equal(err.message, "dns: cannot listen on [::1]:53 (udp): address already in use");
  assert.equal(err.code, "EADDRINUSE");
});
