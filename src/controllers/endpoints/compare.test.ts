import assert from "node:assert/strict";
import { test } from "node:test";
import type { EndpointSlice, Endpoints } from "../../api/types.ts";
import { digestEndpoints, digested, endpointsDigest, sliceDigest } from "./compare.ts";

const endpointsEqual = (a: Endpoints, b: Endpoints): boolean => endpointsDigest(a) === endpointsDigest(b);
const slicesEqual = (a: EndpointSlice, b: EndpointSlice): boolean => sliceDigest(a) === sliceDigest(b);

const ep = (subsets: Endpoints["subsets"], labels?: Record<string, string>): Endpoints => ({
  apiVersion: "v1",
  kind: "Endpoints",
  metadata: { name: "web", ...(labels ? { labels } : {}) },
  ...(subsets ? { subsets } : {}),
});

test("Endpoints digests treat missing and empty lists alike and defaults protocol", () => {
  assert.equal(endpointsEqual(ep(undefined), ep([])), true);
  assert.equal(
    endpointsEqual(
      ep([{ addresses: [{ ip: "10.0.0.1" }], ports: [{ port: 80 }] }]),
      ep([{ addresses: [{ ip: "10.0.0.1" }], notReadyAddresses: [], ports: [{ port: 80, protocol: "TCP" }] }]),
    ),
    true,
  );
});

test("Endpoints digests see changed addresses, readiness and labels", () => {
  const base = ep([{ addresses: [{ ip: "10.0.0.1" }] }], { a: "1" });
  assert.equal(endpointsEqual(base, ep([{ addresses: [{ ip: "10.0.0.2" }] }], { a: "1" })), false);
  assert.equal(endpointsEqual(base, ep([{ notReadyAddresses: [{ ip: "10.0.0.1" }] }], { a: "1" })), false);
  assert.equal(endpointsEqual(base, ep([{ addresses: [{ ip: "10.0.0.1" }] }], { a: "2" })), false);
});

test("slice digests cover address type, endpoints, ports and labels", () => {
  const slice = (ready: boolean, addressType: EndpointSlice["addressType"] = "IPv4"): EndpointSlice => ({
    apiVersion: "discovery.k8s.io/v1",
    kind: "EndpointSlice",
    metadata: { name: "web-ipv4", labels: { x: "y" } },
    addressType,
    endpoints: [{ addresses: ["10.0.0.1"], conditions: { ready, serving: ready, terminating: false } }],
    ports: [{ port: 80 }],
  });
  assert.equal(slicesEqual(slice(true), slice(true)), true);
  assert.equal(slicesEqual(slice(true), slice(false)), false);
  assert.equal(slicesEqual(slice(true), slice(true, "IPv6")), false);
});

test("digests ignore key order and tell owners apart; the cached form keeps metadata, not addresses", () => {
  const a = ep([{ addresses: [{ ip: "10.0.0.1", nodeName: "n" }], ports: [{ port: 80, name: "http" }] }], { a: "1" });
  const b = ep([{ ports: [{ name: "http", port: 80 }], addresses: [{ nodeName: "n", ip: "10.0.0.1" }] }], { a: "1" });
  assert.equal(endpointsDigest(a), endpointsDigest(b));
  const owned = {
    ...a,
    metadata: { ...a.metadata, ownerReferences: [{ apiVersion: "v1", kind: "Service", name: "web", uid: "u" }] },
  };
  assert.notEqual(endpointsDigest(a), endpointsDigest(owned));
  const cached = digestEndpoints(a);
  assert.deepEqual(Object.keys(cached).sort(), ["apiVersion", "digest", "kind", "metadata"]);
  assert.equal(cached.digest, endpointsDigest(b));
});

test("the cached form of a write's response keeps its metadata but not its managedFields", () => {
  const response: Endpoints = {
    ...ep([{ addresses: [{ ip: "10.0.0.1" }] }]),
    metadata: {
      name: "web",
      resourceVersion: "7",
      managedFields: [{ manager: "kdns", operation: "Update", fieldsType: "FieldsV1", fieldsV1: {} }],
    },
  };
  const cached = digested(response, "d");
  assert.deepEqual(cached.metadata, { name: "web", resourceVersion: "7" });
  assert.ok(response.metadata.managedFields, "the response itself is left as it was");
  const informerCopy = digestEndpoints(ep(undefined));
  assert.equal(digested(informerCopy, "d").metadata, informerCopy.metadata, "metadata without them is kept as is");
});
