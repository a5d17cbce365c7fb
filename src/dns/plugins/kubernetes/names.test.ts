import assert from "node:assert/strict";
import { test } from "node:test";
import { canonicalIP, dashedIP, ipFromDashed, ipFromReverseName, reverseName } from "./names.ts";

test("reverse names (spec 2.3.3)", () => {
  assert.equal(reverseName("10.3.0.1"), "1.0.3.10.in-addr.arpa");
  assert.equal(reverseName("2001:db8::1"), "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa");
  assert.equal(reverseName("nope"), undefined);
  assert.equal(ipFromReverseName("1.0.3.10.in-addr.arpa"), "10.3.0.1");
  assert.equal(
    ipFromReverseName("1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa"),
    "2001:db8::1",
  );
  assert.equal(ipFromReverseName("0.3.10.in-addr.arpa"), undefined);
  assert.equal(ipFromReverseName("300.0.3.10.in-addr.arpa"), undefined);
});

test("dashed IPs as CoreDNS writes them", () => {
  assert.equal(dashedIP("172.0.0.2"), "172-0-0-2");
  assert.equal(dashedIP("5678:abcd::1"), "5678-abcd--1");
  assert.equal(dashedIP("5678:abcd::"), "5678-abcd--0");
  assert.equal(dashedIP("::1"), "0--1");
  assert.equal(ipFromDashed("10-240-0-1"), "10.240.0.1");
  assert.equal(ipFromDashed("5678-abcd--1"), "5678:abcd::1");
  assert.equal(ipFromDashed("blah"), undefined);
  assert.equal(ipFromDashed("10-240-0-300"), undefined);
  assert.equal(canonicalIP("2001:DB8:0:0::1"), "2001:db8::1");
});
