import assert from "node:assert/strict";
import { test } from "node:test";
import {
  annotationsSizeError,
  isConfigMapKey,
  isDNS1035Label,
  isDNS1123Label,
  isDNS1123Subdomain,
  isQualifiedName,
  isValidIP,
  isValidLabelValue,
  isValidPortName,
  isValidPortNum,
} from "./validate-names.ts";

const ok = (errs: string[], what: string) => assert.deepEqual(errs, [], what);
const bad = (errs: string[], what: string) => assert.ok(errs.length > 0, `${what} should be rejected`);

test("DNS-1123 label, worded like Kubernetes", () => {
  for (const v of ["a", "my-name", "123-abc", "a".repeat(63)]) ok(isDNS1123Label(v), v);
  for (const v of ["", "-a", "a-", "A", "a.b", "a_b", "a".repeat(64)]) bad(isDNS1123Label(v), v);
  assert.deepEqual(isDNS1123Label("My_Name"), [
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
  ]);
  assert.deepEqual(isDNS1123Label("a".repeat(64)), ["must be no more than 63 characters"]);
});

test("DNS-1123 subdomain and DNS-1035 label", () => {
  for (const v of ["example.com", "a.b-c.d", "1.2.3"]) ok(isDNS1123Subdomain(v), v);
  for (const v of ["", ".a", "a.", "a..b", "A.com", "a_b.com", `${`${"a".repeat(63)}.`.repeat(4)}a`])
    bad(isDNS1123Subdomain(v), v);
  for (const v of ["svc", "my-svc1", "a"]) ok(isDNS1035Label(v), v);
  for (const v of ["1svc", "-a", "a-", "a.b", "Svc", ""]) bad(isDNS1035Label(v), v);
  assert.match(isDNS1035Label("1a")[0] ?? "", /^a DNS-1035 label must consist of/);
});

test("IP addresses and port numbers", () => {
  for (const v of ["10.0.0.1", "::1", "2001:db8::ffff"]) ok(isValidIP(v), v);
  for (const v of ["", "10.0.0.256", "[::1]", "1.2.3.4:80", "host", "fe80::1%eth0"]) bad(isValidIP(v), v);
  for (const v of [1, 80, 65535]) ok(isValidPortNum(v), String(v));
  for (const v of [0, -1, 65536, 80.5, Number.NaN]) bad(isValidPortNum(v), String(v));
});

test("IANA_SVC_NAME port names", () => {
  for (const v of ["http", "dns-tcp", "h2c", "a".repeat(15)]) ok(isValidPortName(v), v);
  assert.deepEqual(isValidPortName("a".repeat(16)), ["must be no more than 15 characters"]);
  assert.deepEqual(isValidPortName("123"), ["must contain at least one letter (a-z)"]);
  assert.deepEqual(isValidPortName("a--b"), ["must not contain consecutive hyphens"]);
  assert.deepEqual(isValidPortName("-ab"), ["must not begin or end with a hyphen"]);
  assert.deepEqual(isValidPortName("Http"), ["must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)"]);
});

test("label keys, values and annotation size", () => {
  for (const v of ["app", "example.com/App_1", "a.b"]) ok(isQualifiedName(v), v);
  for (const v of ["", "/a", "a/", "a/b/c", "-a", "Example.com/a", "a".repeat(64)]) bad(isQualifiedName(v), v);
  for (const v of ["", "v1", "My_Value.x"]) ok(isValidLabelValue(v), v);
  for (const v of ["-v", "v ", "a".repeat(64), "a;b"]) bad(isValidLabelValue(v), v);
  ok(annotationsSizeError({ a: "x".repeat(1000) }), "small");
  assert.deepEqual(annotationsSizeError({ a: "x".repeat(256 * 1024) }), ["may not be more than 262144 bytes"]);
});

test("config keys (Secret and ConfigMap data), worded like Kubernetes", () => {
  for (const v of ["a", "tls.crt", ".dockerconfigjson", "KEY_NAME", "key-name", "a..b", "k".repeat(253)])
    ok(isConfigMapKey(v), v);
  assert.deepEqual(isConfigMapKey("a b"), [
    "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
  ]);
  assert.equal(isConfigMapKey("").length, 1);
  assert.deepEqual(isConfigMapKey("."), ["must not be '.'"]);
  assert.deepEqual(isConfigMapKey(".."), ["must not be '..'"]);
  assert.deepEqual(isConfigMapKey("..data"), ["must not start with '..'"]);
  assert.deepEqual(isConfigMapKey("k".repeat(254)), ["must be no more than 253 characters"]);
  bad(isConfigMapKey("a/b"), "a/b");
});
