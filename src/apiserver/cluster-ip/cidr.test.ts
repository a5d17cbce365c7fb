import assert from "node:assert/strict";
import { test } from "node:test";
import { ipv4ToNumber, numberToIpv4, offsetInRange, parseIpv4Cidr } from "./cidr.ts";

test("parses and round-trips IPv4 addresses", () => {
  assert.equal(ipv4ToNumber("10.96.0.1"), 10 * 2 ** 24 + 96 * 2 ** 16 + 1);
  assert.equal(numberToIpv4(ipv4ToNumber("255.255.255.255") ?? 0), "255.255.255.255");
  for (const bad of ["1.2.3", "1.2.3.256", "01.2.3.4", "a.b.c.d", "::1"])
    assert.equal(ipv4ToNumber(bad), undefined, bad);
});

test("parses a CIDR and locates addresses in it", () => {
  const r = parseIpv4Cidr("10.96.0.0/12");
  assert.equal(r.size, 2 ** 20);
  assert.equal(offsetInRange(r, "10.96.0.10"), 10);
  assert.equal(offsetInRange(r, "10.111.255.255"), 2 ** 20 - 1);
  assert.equal(offsetInRange(r, "10.112.0.0"), undefined);
  assert.equal(offsetInRange(r, "nonsense"), undefined);
  assert.equal(parseIpv4Cidr("10.96.0.5/24").base, ipv4ToNumber("10.96.0.0"));
  assert.throws(() => parseIpv4Cidr("10.96.0.0"), /invalid service CIDR "10.96.0.0"/);
  assert.throws(() => parseIpv4Cidr("10.96.0.0/31"), /invalid service CIDR/);
});
