import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { after, before, test } from "node:test";
import { ensurePki } from "./ensure-pki.ts";
import { servingSans } from "./sans.ts";

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "kdns-pki-"));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

test("servingSans: loopback names always, the listen IP, every machine address for a wildcard", () => {
  assert.deepEqual(servingSans("10.1.2.3"), { ips: ["127.0.0.1", "::1", "10.1.2.3"], dns: ["localhost"] });
  assert.deepEqual(servingSans("0.0.0.0", ["192.168.1.5"]), {
    ips: ["127.0.0.1", "::1", "192.168.1.5"],
    dns: ["localhost"],
  });
  assert.deepEqual(servingSans("API.example"), { ips: ["127.0.0.1", "::1"], dns: ["localhost", "api.example"] });
});

test("creates a CA and a serving certificate with the SANs, keys mode 0600, then reuses them", async () => {
  const pki = join(dir, "a");
  const first = await ensurePki(pki, servingSans("127.0.0.2"));
  assert.equal(first.created, "ca+serving");
  const cert = new X509Certificate(first.cert);
  const ca = new X509Certificate(first.ca);
  assert.ok(ca.ca, "ca.crt is a CA");
  assert.ok(!cert.ca, "apiserver.crt is not a CA");
  assert.ok(cert.verify(ca.publicKey), "serving certificate is signed by the CA");
  for (const ip of ["127.0.0.1", "::1", "127.0.0.2"]) assert.equal(cert.checkIP(ip), ip);
  assert.equal(cert.checkHost("localhost"), "localhost");
  assert.equal(cert.checkIP("10.0.0.1"), undefined);
  assert.match(cert.subjectAltName ?? "", /IP Address:127\.0\.0\.2/);
  assert.equal((await stat(first.keyPath)).mode & 0o777, 0o600);
  assert.equal((await stat(join(pki, "ca.key"))).mode & 0o777, 0o600);

  const second = await ensurePki(pki, servingSans("127.0.0.2"));
  assert.equal(second.created, "none");
  assert.equal(second.cert, first.cert);
  assert.equal(second.ca, first.ca);
});

test("a new listen IP reissues only the serving certificate; an expiring one is renewed", async () => {
  const pki = join(dir, "b");
  const first = await ensurePki(pki, servingSans("127.0.0.1"));
  const moved = await ensurePki(pki, servingSans("127.0.0.3"));
  assert.equal(moved.created, "serving");
  assert.equal(moved.ca, first.ca, "the CA stays, so kubeconfigs stay valid");
  assert.equal(new X509Certificate(moved.cert).checkIP("127.0.0.3"), "127.0.0.3");

  const inTwoYears = () => new Date(Date.now() + 2 * 365 * 86_400_000);
  const renewed = await ensurePki(pki, servingSans("127.0.0.3"), { now: inTwoYears });
  assert.equal(renewed.created, "serving");
  assert.notEqual(renewed.cert, moved.cert);
});

test("a damaged CA key makes a new CA", async () => {
  const pki = join(dir, "c");
  const first = await ensurePki(pki, servingSans("127.0.0.1"));
  await writeFile(join(pki, "ca.key"), "not a key");
  const again = await ensurePki(pki, servingSans("127.0.0.1"));
  assert.equal(again.created, "ca+serving");
  assert.notEqual(again.ca, first.ca);
  assert.equal((await stat(join(pki, "ca.key"))).mode & 0o777, 0o600);
});

test("a data dir given relative to the working directory works", async () => {
  const pki = await ensurePki(relative(process.cwd(), join(dir, "d")), servingSans("127.0.0.1"));
  assert.equal(pki.created, "ca+serving");
  assert.ok(new X509Certificate(pki.cert).verify(new X509Certificate(pki.ca).publicKey));
});
