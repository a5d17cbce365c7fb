import assert from "node:assert/strict";
import { test } from "node:test";
import * as dnsPacket from "dns-packet";
import { chain } from "../../plugin.ts";
import { createHandler } from "../../server/handler.ts";
import { RCODE } from "../../wire/constants.ts";
import { DEFAULT_RECURSION_ALLOW, RecursionAclPlugin } from "./plugin.ts";

const query = dnsPacket.encode({
  type: "query",
  id: 4242,
  flags: dnsPacket.RECURSION_DESIRED,
  questions: [{ name: "Example.COM", type: "A", class: "IN" }],
});

function setup(allow: string[]) {
  let passed = 0;
  const handler = createHandler(
    chain([new RecursionAclPlugin({ allow })], () => {
      passed++;
      return { type: "answer", rcode: RCODE.NOERROR, authoritative: false, sections: undefined };
    }),
  );
  return { handler, passed: () => passed };
}

test("a client outside the CIDRs gets REFUSED with RA clear and its question echoed", async () => {
  const { handler, passed } = setup(["10.0.0.0/8", "fd00::/8"]);
  for (const client of ["203.0.113.5", "::ffff:203.0.113.5", "2001:db8::1"]) {
    const out = await handler(query, "udp", client);
    assert.ok(out);
    const res = dnsPacket.decode(out);
    assert.equal((res as { rcode?: string }).rcode, "REFUSED", client);
    assert.equal(res.id, 4242);
    assert.equal(res.flag_ra, false);
    assert.equal(res.questions?.[0]?.name, "Example.COM");
  }
  assert.equal(passed(), 0);
});

test("an allowed client (v4, v6, IPv4-mapped) goes on to the rest of the chain", async () => {
  const { handler, passed } = setup(["10.0.0.0/8", "fd00::/8"]);
  for (const client of ["10.1.2.3", "::ffff:10.1.2.3", "fd00::53"]) {
    const res = dnsPacket.decode((await handler(query, "tcp", client))!);
    assert.equal((res as { rcode?: string }).rcode, "NOERROR", client);
  }
  assert.equal(passed(), 3);
});

test("the default list allows loopback and private ranges only", () => {
  const acl = new RecursionAclPlugin({ allow: [...DEFAULT_RECURSION_ALLOW] });
  for (const a of ["127.0.0.1", "::1", "10.0.0.1", "172.31.255.1", "192.168.0.1", "fd00::1", "::ffff:127.0.0.1"])
    assert.equal(acl.allows(a), true, a);
  for (const a of ["198.51.100.7", "172.32.0.1", "2001:db8::1", "::ffff:198.51.100.7"])
    assert.equal(acl.allows(a), false, a);
});

test("a bad CIDR fails construction", () => {
  assert.throws(() => new RecursionAclPlugin({ allow: ["10.0.0.0/99"] }), /invalid CIDR "10.0.0.0\/99"/);
});
