import assert from "node:assert/strict";
import { test } from "node:test";
import { apiGroupDocument, apiGroupList, apiResourceList } from "./discovery.ts";
import { resolveRoute } from "./route.ts";

const GW = "gateway.networking.k8s.io";

test("a group served at several versions lists them by priority, the first preferred", () => {
  const group = apiGroupDocument(GW) as { versions: { version: string }[]; preferredVersion: { version: string } };
  assert.deepEqual(
    group.versions.map((v) => v.version),
    ["v1", "v1beta1"],
  );
  assert.equal(group.preferredVersion.version, "v1");
  const listed = (apiGroupList() as { groups: { name: string; versions: unknown }[] }).groups.find(
    (g) => g.name === GW,
  );
  assert.deepEqual(listed?.versions, group.versions);
  const beta = apiResourceList(GW, "v1beta1") as { groupVersion: string; resources: { name: string }[] };
  assert.equal(beta.groupVersion, `${GW}/v1beta1`);
  assert.ok(beta.resources.some((r) => r.name === "referencegrants"));
  assert.equal(apiResourceList(GW, "v1alpha2"), undefined);
  assert.equal(apiResourceList("kdns.dev", "v1beta1"), undefined);
});

test("a resource path resolves at each version it is served at, and is unknown at any other", () => {
  const at = (path: string): string | undefined => {
    const r = resolveRoute(path);
    return r.type === "resource" ? `${r.info.version} ${r.info.storageInfo?.version ?? "stored"}` : r.type;
  };
  assert.equal(at(`/apis/${GW}/v1/namespaces/a/httproutes/r`), "v1 stored");
  assert.equal(at(`/apis/${GW}/v1beta1/namespaces/a/httproutes/r/status`), "v1beta1 v1");
  assert.equal(at(`/apis/${GW}/v1beta1/namespaces/a/referencegrants`), "v1beta1 stored");
  assert.equal(at(`/apis/${GW}/v1/referencegrants`), "v1 v1beta1");
  assert.equal(at(`/apis/${GW}/v1alpha2/namespaces/a/httproutes`), "unknown");
  assert.equal(at("/apis/kdns.dev/v1beta1/dnsrecords"), "unknown");
});
