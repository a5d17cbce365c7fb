import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { Command } from "commander";
import { envName, flag, hostPortFlag, parseCidr, parseUpstreams } from "./flags.ts";
import { systemNameservers } from "./options/dns.ts";

test("env names follow KDNS_<FLAG>", () => {
  assert.equal(envName("--api-listen"), "KDNS_API_LISTEN");
  assert.equal(envName("--server"), "KDNS_SERVER");
});

test("a flag is parsed once into its value, whether given, from the environment or by default", () => {
  const parse = (args: string[], env: Record<string, string> = {}) => {
    const saved = { ...process.env };
    Object.assign(process.env, env);
    try {
      const cmd = new Command()
        .exitOverride()
        .addOption(flag("--at <host:port>", "x", { default: "127.0.0.1:1", parse: hostPortFlag }));
      return cmd.parse(args, { from: "user" }).opts()["at"];
    } finally {
      process.env = saved;
    }
  };
  assert.deepEqual(parse([]), { host: "127.0.0.1", port: 1 });
  assert.deepEqual(parse(["--at", "[::1]:2"]), { host: "::1", port: 2 });
  assert.deepEqual(parse([], { KDNS_AT: "127.0.0.3:3" }), { host: "127.0.0.3", port: 3 });
  assert.throws(() => parse(["--at", "nope"]), /argument 'nope' is invalid. expected host:port/);
});

test("CIDRs and upstreams are checked", () => {
  assert.equal(parseCidr("10.96.0.0/12"), "10.96.0.0/12");
  assert.equal(parseCidr("fd00::/108"), "fd00::/108");
  for (const bad of ["10.96.0.0", "10.96.0.0/33", "x/12", "10.96.0.0/"]) assert.throws(() => parseCidr(bad), /CIDR/);
  assert.deepEqual(parseUpstreams("192.0.2.53, 198.51.100.53:5353"), [
    { host: "192.0.2.53", port: 53 },
    { host: "198.51.100.53", port: 5353 },
  ]);
  assert.deepEqual(parseUpstreams("none"), []);
  assert.throws(() => parseUpstreams("dns.google:53"), /must be an IP/);
});

test("default upstreams are the nameservers of resolv.conf", async () => {
  const dir = await mkdtemp(join(tmpdir(), "kdns-resolv-"));
  try {
    const file = join(dir, "resolv.conf");
    await writeFile(file, "# comment\nsearch x\nnameserver 10.0.0.2\nnameserver not-an-ip\nnameserver ::1\n");
    assert.equal(systemNameservers(file), "10.0.0.2,::1");
    assert.equal(systemNameservers(join(dir, "missing")), "");
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
