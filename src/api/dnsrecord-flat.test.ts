import assert from "node:assert/strict";
import { test } from "node:test";
import { FLAT_DNS_RECORD } from "../../test/support/flat-dns-record.ts";
import { defaultDNSRecord } from "./defaults/index.ts";
import { convertFlatDNSRecord, isFlatDNSRecord } from "./dnsrecord-flat.ts";
import type { KubeObject } from "./types.ts";
import { validateDNSRecord } from "./validation/index.ts";

/** A flat `kind: DNS` record as posted (docs/flat-dns-form.md). */
const FLAT = FLAT_DNS_RECORD;

test("a flat kind: DNS record becomes a canonical, valid DNSRecord", () => {
  const raw = JSON.parse(FLAT) as unknown;
  assert.equal(isFlatDNSRecord(raw), true);
  const out = convertFlatDNSRecord(raw);
  assert.deepEqual(out, {
    apiVersion: "kdns.dev/v1",
    kind: "DNSRecord",
    metadata: { name: "dns-test1" },
    spec: {
      host: "node1.com",
      paths: [
        { path: "/service1", service: "service1", address: "10.1.1.10", port: 8010 },
        { path: "/service2", service: "service2", address: "10.1.1.11", port: 8011 },
      ],
    },
  });
  const obj = out as KubeObject;
  obj.metadata.namespace = "default";
  defaultDNSRecord(obj);
  assert.deepEqual(validateDNSRecord(obj), []);
});

test("namespace and explicit { path, service, port } paths", () => {
  const out = convertFlatDNSRecord({
    kind: "DNS",
    apiVersion: "v1",
    name: "r",
    namespace: "team-a",
    host: "Node2.com",
    paths: [{ path: "/svc3", service: "service3", port: 8081 }],
  });
  assert.deepEqual(out, {
    apiVersion: "kdns.dev/v1",
    kind: "DNSRecord",
    metadata: { name: "r", namespace: "team-a" },
    spec: { host: "Node2.com", paths: [{ path: "/svc3", service: "service3", port: 8081 }] },
  });
});

test("anything not in the flat form passes through unchanged", () => {
  const canonical = {
    apiVersion: "kdns.dev/v1",
    kind: "DNSRecord",
    metadata: { name: "x" },
    spec: { host: "a.com", paths: [] },
  };
  for (const raw of [
    canonical,
    { kind: "DNS", apiVersion: "v1", spec: {} },
    { kind: "DNS", apiVersion: "v2" },
    { kind: "Service" },
    null,
    "DNS",
    7,
    [],
  ]) {
    assert.equal(isFlatDNSRecord(raw), false, JSON.stringify(raw));
    assert.equal(convertFlatDNSRecord(raw), raw);
  }
});

test("garbage inside the flat form is carried over for validation to report", () => {
  const out = convertFlatDNSRecord({
    kind: "DNS",
    name: "r",
    host: "a.com;}",
    paths: [7, { service: "s", port: "80" }],
  }) as KubeObject;
  out.metadata.namespace = "default";
  const fields = validateDNSRecord(out).map((c) => c.field);
  assert.deepEqual(fields, ["spec.host", "spec.paths[0]", "spec.paths[1].port"]);
});
