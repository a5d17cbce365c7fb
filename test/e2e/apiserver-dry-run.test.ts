/** End-to-end: `dryRun=All` on create, update, patch and apply answers with the result and stores nothing. */
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

const CMS = "/api/v1/namespaces/default/configmaps";

test("dryRun=All writes nothing on any verb, and still validates", async () => {
  const made = await h.call("POST", `${CMS}?dryRun=All`, { metadata: { name: "dry" }, data: { a: "1" } });
  assert.equal(made.status, 201);
  assert.equal(made.body.data.a, "1");
  assert.ok(made.body.metadata.uid, "the answer is the object as it would be stored");
  assert.equal((await h.call("GET", `${CMS}/dry`)).status, 404);

  const stored = await h.call(
    "POST",
    CMS,
    { metadata: { name: "dry" }, data: { a: "1" } },
    { "user-agent": "maker/1.0" },
  );
  assert.deepEqual(
    stored.body.metadata.managedFields.map((e: any) => [e.manager, e.operation]),
    [["maker", "Update"]],
    "a create records its manager, named by the User-Agent",
  );
  const rv = stored.body.metadata.resourceVersion;
  const again = await h.call("POST", `${CMS}?dryRun=All`, { metadata: { name: "dry" } });
  assert.equal(again.status, 409, "a dry-run create of a taken name is AlreadyExists");

  const put = await h.call("PUT", `${CMS}/dry?dryRun=All`, { ...stored.body, data: { a: "2" } });
  assert.equal(put.status, 200);
  assert.equal(put.body.data.a, "2");
  const patch = await h.call("PATCH", `${CMS}/dry?dryRun=All`, '{"data":{"a":"3"}}', {
    "content-type": "application/merge-patch+json",
  });
  assert.equal(patch.body.data.a, "3");
  const apply = await h.call(
    "PATCH",
    `${CMS}/dry?dryRun=All&fieldManager=ssa`,
    "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: dry}\ndata: {b: '4'}\n",
    { "content-type": "application/apply-patch+yaml" },
  );
  assert.equal(apply.status, 200);
  assert.deepEqual(apply.body.data, { a: "1", b: "4" });
  const now = (await h.call("GET", `${CMS}/dry`)).body;
  assert.deepEqual(now.data, { a: "1" }, "nothing was stored");
  assert.equal(now.metadata.resourceVersion, rv);

  const bad = await h.call("PUT", `${CMS}/dry?dryRun=All`, { ...stored.body, data: { "bad key": "x" } });
  assert.equal(bad.status, 422, "a dry run validates");
  const badValue = await h.call("PATCH", `${CMS}/dry?dryRun=Some`, "{}", {
    "content-type": "application/merge-patch+json",
  });
  assert.equal(badValue.status, 422);
  assert.equal(
    badValue.body.message,
    'PatchOptions.meta.k8s.io "" is invalid: dryRun: Unsupported value: "Some": supported values: "All"',
  );
});
