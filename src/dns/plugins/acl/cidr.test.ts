import assert from "node:assert/strict";
import { test } from "node:test";
import { cidrsContain, compileCidrs, parseIPv4, parseIPv6 } from "./cidr.ts";

test("IPv4 parsing accepts dotted quads only", () => {
  assert.equal(parseIPv4("10.1.2.3"), 0x0a010203);
  assert.equal(parseIPv4("255.255.255.255"), 0xffffffff);
  for (const bad of ["", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1..2.3", "a.b.c.d", "1.2.3.4 ", "1234.1.1.1"])
    assert.equal(parseIPv4(bad), -1, bad);
});

test("IPv6 parsing: compression, IPv4 tails, zones; malformed forms rejected", () => {
  const w = new Uint16Array(8);
  const cases: [string, number[]][] = [
    ["::", [0, 0, 0, 0, 0, 0, 0, 0]],
    ["::1", [0, 0, 0, 0, 0, 0, 0, 1]],
    ["fe80::1%eth0", [0xfe80, 0, 0, 0, 0, 0, 0, 1]],
    ["2001:db8::", [0x2001, 0xdb8, 0, 0, 0, 0, 0, 0]],
    ["1:2:3:4:5:6:7:8", [1, 2, 3, 4, 5, 6, 7, 8]],
    ["1:2::7:8", [1, 2, 0, 0, 0, 0, 7, 8]],
    ["::ffff:192.0.2.1", [0, 0, 0, 0, 0, 0xffff, 0xc000, 0x0201]],
    ["FD00::AbC", [0xfd00, 0, 0, 0, 0, 0, 0, 0xabc]],
  ];
  for (const [s, words] of cases) {
    assert.equal(parseIPv6(s, w), true, s);
    assert.deepEqual([...w], words, s);
  }
  for (const bad of [
    "",
    ":1",
    "1:",
    "1:::2",
    "1::2::3",
    "1:2:3:4:5:6:7:8:9",
    "12345::",
    "g::1",
    "1:2:3:4:5:6:7",
    "::ffff:1.2.3",
  ]) {
    assert.equal(parseIPv6(bad, w), false, bad);
  }
});

test("membership for v4, v6, IPv4-mapped v6, host entries and /0", () => {
  const set = compileCidrs(["10.0.0.0/8", "192.168.1.7", "fd00::/8", "2001:db8:1::/48"]);
  const yes = ["10.255.0.1", "192.168.1.7", "::ffff:10.1.1.1", "::ffff:c0a8:107", "fd12::1", "2001:db8:1:ffff::1"];
  const no = ["11.0.0.1", "192.168.1.8", "::ffff:11.1.1.1", "fe00::1", "2001:db8:2::1", "::1", "garbage", ""];
  for (const a of yes) assert.equal(cidrsContain(set, a), true, a);
  for (const a of no) assert.equal(cidrsContain(set, a), false, a);
  const all = compileCidrs(["0.0.0.0/0", "::/0"]);
  assert.equal(cidrsContain(all, "203.0.113.9"), true);
  assert.equal(cidrsContain(all, "2001:db8::9"), true);
  assert.equal(cidrsContain(compileCidrs([]), "127.0.0.1"), false);
});

test("malformed CIDRs throw, naming the value", () => {
  for (const bad of ["10.0.0.0/33", "::/129", "10.0.0.0/", "10.0.0.0/x", "nope/8", "1.2.3/8"]) {
    assert.throws(
      () => compileCidrs([bad]),
      new RegExp(`invalid CIDR "${bad.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}"`),
    );
  }
});
