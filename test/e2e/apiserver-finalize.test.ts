/** End-to-end: a Namespace's `/finalize` subresource over raw HTTP, as kube-apiserver serves it. */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { type Harness, startHarness } from "./apiserver-harness.ts";

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h.close();
});

const NS = "/api/v1/namespaces";

test("a plain update keeps spec.finalizers; /finalize changes them and keeps the status", async () => {
  assert.equal((await h.call("POST", NS, { metadata: { name: "fin-a" } })).status, 201);
  const ns = (await h.call("GET", `${NS}/fin-a`)).body;
  const plain = await h.call("PUT", `${NS}/fin-a`, { ...ns, spec: { finalizers: [] }, metadata: { ...ns.metadata } });
  assert.equal(plain.status, 200);
  assert.deepEqual(plain.body.spec.finalizers, ["kubernetes"], "a plain PUT cannot drop the namespace finalizer");

  const body = {
    ...plain.body,
    spec: { finalizers: ["kubernetes", "example.com/wait"] },
    status: { phase: "Terminating" },
  };
  const finalized = await h.call("PUT", `${NS}/fin-a/finalize`, body);
  assert.equal(finalized.status, 200, JSON.stringify(finalized.body));
  assert.deepEqual(finalized.body.spec.finalizers, ["kubernetes", "example.com/wait"]);
  assert.equal(finalized.body.status.phase, "Active", "the status is the stored one, not the body's");
  const finalizer = finalized.body.metadata.managedFields.find((e: any) => e.subresource === "finalize");
  // spec.finalizers of a Namespace is an atomic list: one field.
  assert.deepEqual(finalizer?.fieldsV1, { "f:spec": { "f:finalizers": {} } });

  const stale = await h.call("PUT", `${NS}/fin-a/finalize`, { ...body, spec: { finalizers: [] } });
  assert.equal(stale.status, 409, "the body's resourceVersion is now stale");
  assert.match(stale.body.message, /the object has been modified/);
});

test("/finalize validates finalizer names, answers 404 for a missing namespace and takes only PUT", async () => {
  assert.equal((await h.call("POST", NS, { metadata: { name: "fin-b" } })).status, 201);
  const bad = await h.call("PUT", `${NS}/fin-b/finalize`, {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { name: "fin-b" },
    spec: { finalizers: ["kubernetes", "nodomain", "Bad Name/x"] },
  });
  assert.equal(bad.status, 422);
  assert.equal(bad.body.reason, "Invalid");
  assert.deepEqual(
    bad.body.details.causes.map((c: any) => c.field),
    ["spec.finalizers[1]", "spec.finalizers[2]"],
  );
  assert.match(
    bad.body.message,
    /spec\.finalizers\[1\]: Invalid value: "nodomain": name is neither a standard finalizer name nor is it fully qualified/,
  );

  const missing = await h.call("PUT", `${NS}/nowhere/finalize`, {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { name: "nowhere" },
    spec: { finalizers: [] },
  });
  assert.equal(missing.status, 404);
  assert.equal(missing.body.message, 'namespaces "nowhere" not found');

  for (const method of ["GET", "PATCH", "DELETE"])
    assert.equal((await h.call(method, `${NS}/fin-b/finalize`, method === "GET" ? undefined : {})).status, 405, method);
  assert.equal((await h.call("PUT", "/api/v1/namespaces/fin-b/configmaps/x/finalize", {})).status, 404);

  const core = (await h.call("GET", "/api/v1")).body;
  assert.deepEqual(core.resources.find((r: any) => r.name === "namespaces/finalize")?.verbs, ["update"]);
});

test("/finalize with an empty list (or none) completes the deletion of a Terminating namespace", async () => {
  for (const name of ["fin-c", "fin-d"]) {
    assert.equal((await h.call("POST", NS, { metadata: { name } })).status, 201);
    const deleted = await h.call("DELETE", `${NS}/${name}`);
    assert.equal(deleted.body.status.phase, "Terminating");
    const spec = name === "fin-c" ? { finalizers: [] } : {};
    const done = await h.call("PUT", `${NS}/${name}/finalize`, { ...deleted.body, spec });
    assert.equal(done.status, 200, JSON.stringify(done.body));
    assert.equal((await h.call("GET", `${NS}/${name}`)).status, 404, `${name} is gone`);
  }
});
