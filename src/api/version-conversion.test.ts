import assert from "node:assert/strict";
import { test } from "node:test";
import { type ResourceInfo, resourceByKind, resourceByName, resourceByPath, SERVED_RESOURCES } from "./resources.ts";
import type { KubeObject } from "./types.ts";
import { hasOtherVersions, toServedVersion, toStorageVersion } from "./version-conversion.ts";

const GW = "gateway.networking.k8s.io";

/** A resource stored at v2 whose v1 calls `spec.target` `spec.host`: a real field change. */
const STORED: ResourceInfo = {
  ...resourceByPath("kdns.dev", "dnsrecords")!,
  version: "v2",
  alsoServed: [
    {
      name: "v1",
      fromStorage: ({ spec, ...rest }) => {
        const { target, ...others } = spec as Record<string, unknown>;
        return { ...rest, spec: { ...others, host: target } } as KubeObject;
      },
      toStorage: ({ spec, ...rest }) => {
        const { host, ...others } = spec as Record<string, unknown>;
        return { ...rest, spec: { ...others, target: host } } as KubeObject;
      },
    },
  ],
};
const V1: ResourceInfo = { ...STORED, version: "v1", storageInfo: STORED };
delete (V1 as { alsoServed?: unknown }).alsoServed;

const obj = (apiVersion: string, spec: Record<string, unknown>): KubeObject =>
  ({ apiVersion, kind: "DNSRecord", metadata: { name: "r" }, spec }) as KubeObject;

test("a per-version conversion hook runs both ways, through the storage version", () => {
  const written = obj("kdns.dev/v1", { host: "a.example", ttl: 5 });
  const stored = toStorageVersion(V1, written);
  assert.deepEqual(stored, obj("kdns.dev/v2", { ttl: 5, target: "a.example" }));
  assert.deepEqual(toServedVersion(V1, stored), obj("kdns.dev/v1", { ttl: 5, host: "a.example" }));
  // At the storage version nothing changes, and the same object comes back.
  assert.equal(toServedVersion(STORED, stored), stored);
  assert.equal(toStorageVersion(STORED, stored), stored);
  // An object stored at v1 (before the storage version moved) reads right at both versions.
  assert.deepEqual(toServedVersion(STORED, written), stored);
  assert.equal(toServedVersion(V1, written), written);
});

test("Gateway API kinds are served at v1 and v1beta1; conversion rewrites only apiVersion", () => {
  for (const resource of ["gatewayclasses", "gateways", "httproutes", "referencegrants"]) {
    const versions = SERVED_RESOURCES.filter((r) => r.group === GW && r.resource === resource).map((r) => r.version);
    assert.deepEqual(versions.sort(), ["v1", "v1beta1"], resource);
  }
  assert.equal(resourceByPath(GW, "httproutes")?.version, "v1");
  // Upstream's standard CRDs store ReferenceGrant at v1beta1 (its v1 is served, not stored).
  assert.equal(resourceByPath(GW, "referencegrants")?.version, "v1beta1");
  const beta = resourceByKind(`${GW}/v1beta1`, "HTTPRoute")!;
  assert.equal(beta.version, "v1beta1");
  assert.equal(beta.storageInfo, resourceByPath(GW, "httproutes"));
  assert.equal(beta.schema.name, "io.k8s.networking.gateway.v1beta1.HTTPRoute");
  assert.ok(hasOtherVersions(beta) && hasOtherVersions(beta.storageInfo!));
  assert.ok(!hasOtherVersions(resourceByPath("", "pods")!));
  const route = { apiVersion: `${GW}/v1`, kind: "HTTPRoute", metadata: { name: "r" }, spec: { hostnames: ["a"] } };
  const out = toServedVersion(beta, route as KubeObject);
  assert.deepEqual(out, { ...route, apiVersion: `${GW}/v1beta1` });
  assert.deepEqual(Object.keys(out), Object.keys(route), "apiVersion stays the first field");
  assert.deepEqual(toStorageVersion(beta, out), route);
  assert.equal(resourceByKind(`${GW}/v1alpha2`, "HTTPRoute"), undefined);
});

test("kubectl's resource.version.group names pick the version", () => {
  assert.equal(resourceByName(`referencegrants.v1.${GW}`)?.version, "v1");
  assert.equal(resourceByName(`referencegrants.v1beta1.${GW}`)?.version, "v1beta1");
  assert.equal(resourceByName(`referencegrants.${GW}`)?.version, "v1beta1");
  assert.equal(resourceByName(`httproutes.v1beta1.${GW}`)?.storageInfo?.version, "v1");
  assert.equal(resourceByName("dnsrecords.kdns.dev")?.resource, "dnsrecords");
  assert.equal(resourceByName(`httproutes.v9.${GW}`), undefined);
});
