import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { envName, formatHostPort, parseCidr, parseHostPort, parseUpstreams } from "./flags.ts";
import { systemNameservers } from "./up-flags.ts";

test("env names follow KDNS_<FLAG>", () => {
  assert.equal(envName("--api-listen"), "KDNS_API_LISTEN");
  assert.equal(envName("--server"), "KDNS_SERVER");
});

test("host:port accepts IPv4, bracketed IPv6 and names; rejects the rest with the value", () => {
  assert.deepEqual(parseHostPort("127.0.0.1:6443"), { host: "127.0.0.1", port: 6443 });
  assert.deepEqual(parseHostPort("[::1]:53"), { host: "::1", port: 53 });
  assert.deepEqual(parseHostPort("localhost:0"), { host: "localhost", port: 0 });
  assert.equal(formatHostPort({ host: "::1", port: 53 }), "[::1]:53");
  for (const bad of ["127.0.0.1", "1.2.3.4:70000", ":80", "::1:53", "[zz]:1"])
    assert.throws(() => parseHostPort(bad), new RegExp(bad.replace(/[[\]]/g, "\\$&")));
});

test("CIDRs and upstreams are checked", () => {
  assert.equal(parseCidr("10.96.0.0/12"), "10.96.0.0/12");
  assert.equal(parseCidr("fd00::/108"), "fd00::/108");
  for (const bad of ["10.96.0.0", "10.96.0.0/33", "x/12", "10.96.0.0/"]) assert.throws(() => parseCidr(bad), /CIDR/);
  assert.deepEqual(parseUpstreams("192.0.2.53, 198.51.100.53:5353"), [
    { host: "192.0.2.53", port: 53 },
    { host: "198.51.100.53", port: 5353 },
  ]);
  assert.throws(() => parseUpstreams("dns.google:53"), /must be an IP/);
});

test("default upstreams are the nameservers of resolv.conf", async () => {
  const dir = await mkdtemp(join(tmpdir(), "kdns-resolv-"));
  try {
    const file = join(dir, "resolv.conf");
    await writeFile(file, "# comment\nsearch x\nnameserver 10.0.0.2\nnameserver ::1\n");
    assert.equal(systemNameservers(file), "10.0.0.2,::1");
    assert.equal(systemNameservers(join(dir, "missing")), "");
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
