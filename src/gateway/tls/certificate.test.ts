import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { startTestCa, type TestCa, tlsSecret } from "../../../test/support/test-pki.ts";
import { describeLeaf, notCovering, parseTlsSecret } from "./certificate.ts";
import { DEFAULT_CERTIFICATE_SUBJECT, makeDefaultCertificate } from "./default-certificate.ts";

let ca: TestCa;
before(async () => {
  ca = await startTestCa();
});
after(() => ca?.close());

test("a good Secret parses: the chain normalised to PEM certificates, the key a KeyObject, an id by content", async () => {
  const leaf = await ca.issue(["a.test", "*.b.test"], { serial: "1A2B" });
  const withChain = `junk before\n${leaf.cert}\n${ca.caPem}`;
  const m = parseTlsSecret(tlsSecret("s", withChain, leaf.key));
  assert.equal(m.type, "ok");
  if (m.type !== "ok") return;
  assert.equal(m.leaf.serialNumber, "1A2B");
  assert.equal(m.chain.match(/BEGIN CERTIFICATE/g)?.length, 2);
  assert.doesNotMatch(m.chain, /junk|PRIVATE/);
  assert.equal(m.key.type, "private");
  assert.equal(m.id, (parseTlsSecret(tlsSecret("t", `${leaf.cert}${ca.caPem}`, leaf.key)) as { id: string }).id);
  assert.doesNotMatch(JSON.stringify(m), /PRIVATE KEY/, "a serialised table carries no key");
  assert.equal(notCovering(m.leaf, "a.test"), undefined);
  assert.equal(notCovering(m.leaf, "x.b.test"), undefined);
  assert.match(
    notCovering(m.leaf, "b.test") ?? "",
    /does not cover host b\.test \(subject CN=a\.test, DNS names a\.test \*\.b\.test, serial 1A2B\)/,
  );
  assert.match(notCovering(m.leaf, "y.x.b.test") ?? "", /does not cover/, "a wildcard is one label");
});

test("every way a Secret cannot be served has a reason that names it and no key material", async () => {
  const a = await ca.issue(["a.test"]);
  const b = await ca.issue(["b.test"]);
  const cnOnly = await ca.issue([], { cn: "a.test" });
  const cases: [string, ReturnType<typeof tlsSecret>, RegExp][] = [
    ["Opaque", tlsSecret("s", a.cert, a.key, { type: "Opaque" }), /^type is "Opaque", not kubernetes\.io\/tls$/],
    [
      "no key",
      { ...tlsSecret("s", a.cert, a.key), data: { "tls.crt": Buffer.from(a.cert).toString("base64") } },
      /^tls\.key is missing or empty$/,
    ],
    ["garbage cert", tlsSecret("s", "not a certificate", a.key), /^tls\.crt holds no PEM certificate/],
    [
      "broken cert",
      tlsSecret("s", "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n", a.key),
      /^tls\.crt: certificate 1 of 1 cannot be parsed: /,
    ],
    ["garbage key", tlsSecret("s", a.cert, "not a key"), /^tls\.key holds no PEM private key/],
    [
      "broken key",
      tlsSecret("s", a.cert, "-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n"),
      /^tls\.key cannot be parsed as a private key: /,
    ],
    [
      "encrypted key",
      tlsSecret("s", a.cert, "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIB\n-----END ENCRYPTED PRIVATE KEY-----\n"),
      /^tls\.key is encrypted/,
    ],
    [
      "another key",
      tlsSecret("s", a.cert, b.key),
      /^tls\.key is not the key of the certificate in tls\.crt \(subject CN=a\.test, DNS names a\.test, serial /,
    ],
  ];
  for (const [what, secret, reason] of cases) {
    const m = parseTlsSecret(secret);
    assert.equal(m.type, "invalid", what);
    if (m.type !== "invalid") continue;
    assert.match(m.reason, reason, what);
    assert.doesNotMatch(m.reason, /MIG|BEGIN PRIVATE/, `${what}: no key material`);
  }
  const cn = parseTlsSecret(tlsSecret("s", cnOnly.cert, cnOnly.key));
  assert.equal(cn.type, "ok");
  if (cn.type === "ok")
    assert.match(notCovering(cn.leaf, "a.test") ?? "", /DNS names none/, "the CN is not a host name");
});

test("the default certificate is self-signed, names no host, and is new at every start", async () => {
  const one = await makeDefaultCertificate();
  const two = await makeDefaultCertificate();
  assert.notEqual(one.id, two.id);
  assert.equal(one.leaf.subject, one.leaf.issuer);
  assert.match(describeLeaf(one.leaf), /DNS names none/);
  assert.equal(one.leaf.subject.replace(/\n/g, "/"), DEFAULT_CERTIFICATE_SUBJECT.slice(1));
  assert.equal(one.leaf.checkPrivateKey(one.key), true);
});
