import assert from "node:assert/strict";
import { test } from "node:test";
import { HOSTILE_HOSTS, HOSTILE_PATHS } from "../../../test/support/hostile-values.ts";
import { defaultDNSRecord } from "../defaults/dns-record.ts";
import type { KubeObject } from "../types.ts";
import { validateDNSRecord } from "./dns-record.ts";

function record(host: unknown, paths: unknown[]): KubeObject {
  return {
    apiVersion: "kdns.dev/v1",
    kind: "DNSRecord",
    metadata: { name: "r", namespace: "default" },
    spec: { host, paths },
  };
}
const goodPath = { path: "/service1", service: "service1", address: "10.1.1.10", port: 8010 };
const check = (obj: KubeObject) => {
  defaultDNSRecord(obj);
  return validateDNSRecord(obj);
};
const fields = (obj: KubeObject) => check(obj).map((c) => c.field);

test("a good record passes, including paths with both address and service", () => {
  assert.deepEqual(check(record("node1.com", [goodPath, { path: "/service2", address: "10.1.1.11", port: 8011 }])), []);
  assert.deepEqual(check(record("a.b-c.example", [{ path: "/", service: "web", port: 80 }])), []);
  assert.deepEqual(check(record("x.com", [{ path: "/a/b.c/~d_e-f/", address: "::1", port: 1 }])), []);
});

test("host is lower-cased by defaulting, then accepted", () => {
  const obj = record("A.COM", [goodPath]);
  assert.deepEqual(check(obj), []);
  assert.equal((obj["spec"] as { host: string }).host, "a.com");
});

test("every hostile host is rejected on spec.host", () => {
  assert.equal((`${"a".repeat(63)}.`.repeat(3) + "a".repeat(62)).length, 254);
  for (const host of HOSTILE_HOSTS) {
    const causes = check(record(host, [goodPath]));
    assert.ok(causes.length > 0, `host ${JSON.stringify(host)} accepted`);
    assert.deepEqual([...new Set(causes.map((c) => c.field))], ["spec.host"], JSON.stringify(host));
  }
  assert.match(check(record("127.0.0.1", [goodPath]))[0]?.message ?? "", /must be a DNS name, not an IP address/);
  assert.ok(check(record("exämple.com", [goodPath])).some((c) => c.message.includes("punycode")));
});

test("every hostile path is rejected on its field", () => {
  for (const path of HOSTILE_PATHS) {
    const causes = check(record("a.com", [{ ...goodPath, path }]));
    assert.ok(causes.length > 0, `path ${JSON.stringify(path)} accepted`);
    assert.deepEqual([...new Set(causes.map((c) => c.field))], ["spec.paths[0].path"], JSON.stringify(path));
  }
  // "/set_by_lua_block" is only letters and '_': it is a plain path, harmless once quoted.
  assert.deepEqual(check(record("a.com", [{ ...goodPath, path: "/set_by_lua_block" }])), []);
  const long = check(record("a.com", [{ ...goodPath, path: `/${"a".repeat(100 * 1024)}` }]));
  assert.ok((long[0]?.message.length ?? 0) < 1000, "a huge value is not echoed whole");
});

// Hostile backends (docs/dnsrecord-validation.md, "Rejected backends").
test("hostile upstreams are rejected", () => {
  const cases: [Record<string, unknown>, string][] = [
    [{ address: "1.2.3.4:80; include /etc/shadow;" }, "spec.paths[0].address"],
    [{ service: "svc:99999" }, "spec.paths[0].service"],
    [{ address: "$host" }, "spec.paths[0].address"],
    [{ address: "unix:/var/run/docker.sock" }, "spec.paths[0].address"],
    [{ service: "http://evil/" }, "spec.paths[0].service"],
    [{ port: 99999 }, "spec.paths[0].port"],
    [{ port: -1 }, "spec.paths[0].port"],
    [{ port: 0 }, "spec.paths[0].port"],
    [{ port: 80.5 }, "spec.paths[0].port"],
    [{ port: "80" }, "spec.paths[0].port"],
    [{ service: "1svc" }, "spec.paths[0].service"],
  ];
  for (const [patch, field] of cases) {
    assert.deepEqual(fields(record("a.com", [{ ...goodPath, ...patch }])), [field], JSON.stringify(patch));
  }
});

test("paths: required, need a backend, unique; every bad field is listed", () => {
  assert.deepEqual(fields(record("a.com", [])), ["spec.paths"]);
  assert.deepEqual(fields(record("a.com", [{ path: "/x", port: 80 }])), ["spec.paths[0]"]);
  assert.deepEqual(fields(record("a.com", [{ address: "10.0.0.1", port: 80 }])), ["spec.paths[0].path"]);
  assert.deepEqual(fields(record("a.com", [goodPath, { ...goodPath }])), ["spec.paths[1].path"]);
  assert.equal(check(record("a.com", [goodPath, { ...goodPath }]))[0]?.reason, "FieldValueDuplicate");
  const all = fields({
    apiVersion: "kdns.dev/v1",
    kind: "DNSRecord",
    metadata: { name: "Bad_Name" },
    spec: { host: "a;b", paths: [{ path: "x", service: "S", address: "nope", port: 0 }, 7] },
  });
  assert.deepEqual(all, [
    "metadata.name",
    "spec.host",
    "spec.paths[0].path",
    "spec.paths[0].service",
    "spec.paths[0].address",
    "spec.paths[0].port",
    "spec.paths[1]",
  ]);
  assert.deepEqual(fields({ apiVersion: "kdns.dev/v1", kind: "DNSRecord", metadata: { name: "r" } }), ["spec"]);
  assert.deepEqual(fields(record(42, "x" as unknown as unknown[])), ["spec.host", "spec.paths"]);
});

test("spec.tls: a Secret name (DNS-1123 subdomain) and a boolean redirect; optional", () => {
  const withTls = (tls: unknown) => {
    const obj = record("a.com", [goodPath]);
    (obj["spec"] as Record<string, unknown>)["tls"] = tls;
    return obj;
  };
  assert.deepEqual(check(withTls({ secretName: "site-tls" })), []);
  assert.deepEqual(check(withTls({ secretName: "a.b-c", httpRedirect: false })), []);
  assert.deepEqual(check(withTls(null)), []);
  assert.deepEqual(fields(withTls({})), ["spec.tls.secretName"]);
  assert.deepEqual(fields(withTls({ secretName: "" })), ["spec.tls.secretName"]);
  assert.deepEqual(fields(withTls({ secretName: "Site_TLS" })), ["spec.tls.secretName"]);
  assert.deepEqual(fields(withTls({ secretName: 7 })), ["spec.tls.secretName"]);
  assert.deepEqual(fields(withTls({ secretName: "t", httpRedirect: "yes" })), ["spec.tls.httpRedirect"]);
  assert.deepEqual(fields(withTls("site-tls")), ["spec.tls"]);
  assert.match(
    check(withTls({ secretName: "a_b" }))[0]?.message ?? "",
    /^Invalid value: "a_b": a lowercase RFC 1123 subdomain/,
  );
});
