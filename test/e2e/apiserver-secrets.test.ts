/**
 * Secrets and ConfigMaps through a real API server on loopback: stringData merged on every write,
 * base64 and validation errors that name fields and never values, immutability, tables that
 * count keys, and reads that need the token whenever a token file is configured.
 */

import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { type Harness, readEvents, startHarness } from "./apiserver-harness.ts";

const SECRET_VALUE = "hunter2-TOP-SECRET-e2e";
const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");
const SECRETS = "/api/v1/namespaces/default/secrets";
const CONFIGMAPS = "/api/v1/namespaces/default/configmaps";
const TABLE = { accept: "application/json;as=Table;v=v1;g=meta.k8s.io,application/json" };

/** Neither the value nor its base64 form appears in `text`. */
function noValue(text: string, what: string): void {
  assert.ok(!text.includes(SECRET_VALUE) && !text.includes(b64(SECRET_VALUE)), `${what} leaked the value: ${text}`);
}

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h.close();
});

test("stringData is merged into data on create and on every patch, and never stored", async () => {
  const created = await h.call("POST", SECRETS, {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: "creds" },
    data: { user: b64("admin"), password: b64("old") },
    stringData: { password: SECRET_VALUE },
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  assert.equal(created.body.type, "Opaque");
  assert.deepEqual(created.body.data, { password: b64(SECRET_VALUE), user: b64("admin") });
  assert.equal(created.body.stringData, undefined);
  assert.deepEqual((await h.call("GET", `${SECRETS}/creds`)).body, created.body);
  const merged = await h.call(
    "PATCH",
    `${SECRETS}/creds`,
    { stringData: { token: "t0k" } },
    { "content-type": "application/merge-patch+json" },
  );
  assert.equal(merged.status, 200, JSON.stringify(merged.body));
  assert.deepEqual(Object.keys(merged.body.data), ["password", "token", "user"]);
  assert.equal(merged.body.data.token, b64("t0k"));
  const strategic = await h.call(
    "PATCH",
    `${SECRETS}/creds`,
    { stringData: { user: "root" } },
    { "content-type": "application/strategic-merge-patch+json" },
  );
  assert.equal(strategic.body.data.user, b64("root"));
  assert.equal(strategic.body.stringData, undefined);
  const put = await h.call("PUT", `${SECRETS}/creds`, { ...strategic.body, stringData: { user: "again" } });
  assert.equal(put.status, 200, JSON.stringify(put.body));
  assert.equal(put.body.data.user, b64("again"));
});

test("bad base64 is a 400 naming the key; invalid bodies never echo a value", async () => {
  const bad = await h.call("POST", SECRETS, {
    metadata: { name: "bad" },
    data: { password: SECRET_VALUE },
  });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.reason, "BadRequest");
  assert.equal(
    bad.body.message,
    'Secret in version "v1" cannot be handled as a Secret: data[password]: illegal base64 data at input byte 7',
  );
  const notJson = await h.call("POST", SECRETS, `{"metadata":{"name":"x"},"data":{"password":${SECRET_VALUE}}}`);
  assert.equal(notJson.status, 400);
  assert.match(notJson.body.message, /^the body is not valid JSON: /);
  noValue(JSON.stringify(notJson.body), "a JSON syntax error");
  const notYaml = await h.call("POST", SECRETS, `metadata: {name: x}\nstringData:\n  a: ${SECRET_VALUE}\n b: c\n`, {
    "content-type": "application/yaml",
  });
  assert.equal(notYaml.status, 400);
  noValue(JSON.stringify(notYaml.body), "a YAML syntax error");
  const badKey = await h.call("POST", SECRETS, { metadata: { name: "k" }, stringData: { "a b": SECRET_VALUE } });
  assert.equal(badKey.status, 422);
  assert.match(badKey.body.message, /^Secret "k" is invalid: data\[a b\]: Invalid value: "a b": a valid config key/);
  noValue(JSON.stringify(badKey.body), "an invalid key");
  const dockerJson = await h.call("POST", SECRETS, {
    metadata: { name: "reg" },
    type: "kubernetes.io/dockerconfigjson",
    stringData: { ".dockerconfigjson": `{"auths": ${SECRET_VALUE}` },
  });
  assert.equal(dockerJson.status, 422);
  noValue(JSON.stringify(dockerJson.body), "a bad docker config");
  const patchTest = await h.call(
    "PATCH",
    `${SECRETS}/creds`,
    [{ op: "test", path: "/data/password", value: b64("wrong") }],
    { "content-type": "application/json-patch+json" },
  );
  assert.equal(patchTest.status, 422);
  noValue(JSON.stringify(patchTest.body), "a failed JSON patch test");
});

test("kubernetes.io/tls needs tls.crt and tls.key; 1 MiB at most", async () => {
  const tls = await h.call("POST", SECRETS, {
    metadata: { name: "site-tls" },
    type: "kubernetes.io/tls",
    stringData: { "tls.crt": "CERT" },
  });
  assert.equal(tls.status, 422);
  assert.equal(tls.body.message, 'Secret "site-tls" is invalid: data[tls.key]: Required value');
  assert.deepEqual(tls.body.details.causes, [
    { field: "data[tls.key]", reason: "FieldValueRequired", message: "Required value" },
  ]);
  const big = await h.call("POST", SECRETS, {
    metadata: { name: "big" },
    data: { a: Buffer.alloc(1024 * 1024 + 1).toString("base64") },
  });
  assert.equal(big.status, 422);
  assert.equal(big.body.message, 'Secret "big" is invalid: data: Too long: may not be more than 1048576 bytes');
});

test("type is immutable; immutable: true freezes data (Forbidden) but not labels", async () => {
  const created = await h.call("POST", SECRETS, {
    metadata: { name: "frozen" },
    immutable: true,
    stringData: { a: "1" },
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const retype = await h.call(
    "PATCH",
    `${SECRETS}/frozen`,
    { type: "kubernetes.io/basic-auth" },
    { "content-type": "application/merge-patch+json" },
  );
  assert.equal(retype.status, 422);
  assert.match(retype.body.message, /type: Invalid value: "kubernetes\.io\/basic-auth": field is immutable/);
  const change = await h.call(
    "PATCH",
    `${SECRETS}/frozen`,
    { stringData: { a: "2" } },
    { "content-type": "application/merge-patch+json" },
  );
  assert.equal(change.status, 422);
  assert.equal(
    change.body.message,
    'Secret "frozen" is invalid: data: Forbidden: field is immutable when `immutable` is set',
  );
  const label = await h.call(
    "PATCH",
    `${SECRETS}/frozen`,
    { metadata: { labels: { x: "y" } } },
    { "content-type": "application/merge-patch+json" },
  );
  assert.equal(label.status, 200, JSON.stringify(label.body));
});

test("tables: secrets NAME TYPE DATA AGE, configmaps NAME DATA AGE, no values", async () => {
  const table = await h.call("GET", SECRETS, undefined, TABLE);
  assert.equal(table.body.kind, "Table");
  assert.deepEqual(
    table.body.columnDefinitions.map((c: any) => c.name),
    ["NAME", "TYPE", "DATA", "AGE"],
  );
  const creds = table.body.rows.find((r: any) => r.cells[0] === "creds");
  assert.deepEqual(creds.cells.slice(0, 3), ["creds", "Opaque", "3"]);
  noValue(JSON.stringify(table.body), "the secrets table");
  const one = await h.call("GET", `${SECRETS}/creds`, undefined, TABLE);
  noValue(JSON.stringify(one.body), "a one-row secrets table");

  const cm = await h.call("POST", CONFIGMAPS, {
    metadata: { name: "settings" },
    data: { "app.properties": "a=b" },
    binaryData: { "logo.bin": "AAEC" },
  });
  assert.equal(cm.status, 201, JSON.stringify(cm.body));
  const cms = await h.call("GET", CONFIGMAPS, undefined, TABLE);
  assert.deepEqual(
    cms.body.columnDefinitions.map((c: any) => c.name),
    ["NAME", "DATA", "AGE"],
  );
  assert.deepEqual(cms.body.rows.find((r: any) => r.cells[0] === "settings").cells.slice(0, 2), ["settings", "2"]);
});

test("ConfigMap: a key in both maps is Invalid, bad binaryData a 400, immutable freezes both maps", async () => {
  const dup = await h.call("POST", CONFIGMAPS, {
    metadata: { name: "dup" },
    data: { k: "x" },
    binaryData: { k: "AA==" },
  });
  assert.equal(dup.status, 422);
  assert.equal(
    dup.body.message,
    'ConfigMap "dup" is invalid: data[k]: Invalid value: "k": duplicate of key present in binaryData',
  );
  const bin = await h.call("POST", CONFIGMAPS, { metadata: { name: "bin" }, binaryData: { k: "A" } });
  assert.equal(bin.status, 400);
  assert.match(
    bin.body.message,
    /^ConfigMap in version "v1" cannot be handled as a ConfigMap: binaryData\[k\]: illegal/,
  );
  assert.equal(
    (await h.call("POST", CONFIGMAPS, { metadata: { name: "ice" }, immutable: true, data: { a: "1" } })).status,
    201,
  );
  const change = await h.call(
    "PATCH",
    `${CONFIGMAPS}/ice`,
    { binaryData: { b: "AA==" } },
    { "content-type": "application/merge-patch+json" },
  );
  assert.equal(change.status, 422);
  assert.match(change.body.message, /binaryData: Forbidden: field is immutable when `immutable` is set/);
});

test("watch delivers secrets like any other kind", async () => {
  const list = await h.call("GET", SECRETS);
  const rv = list.body.metadata.resourceVersion;
  const res = await fetch(`${h.url}${SECRETS}?watch=1&resourceVersion=${rv}`);
  const events = readEvents(res, (evs) => evs.length >= 1);
  await h.call("POST", SECRETS, { metadata: { name: "watched" }, stringData: { a: "b" } });
  const [ev] = await events;
  assert.equal(ev.type, "ADDED");
  assert.deepEqual([ev.object.kind, ev.object.metadata.name, ev.object.data], ["Secret", "watched", { a: b64("b") }]);
});

test("with a token file, reading secrets (get, list, watch, tables) needs the token", async () => {
  const dir = await mkdtemp(join(tmpdir(), "kdns-secrets-auth-"));
  await writeFile(join(dir, "tokens"), "s3cret,admin,1\n");
  const secured = await startHarness({ tokenFile: join(dir, "tokens") });
  try {
    const auth = { authorization: "Bearer s3cret" };
    const body = { metadata: { name: "guarded" }, stringData: { a: SECRET_VALUE } };
    assert.equal((await secured.call("POST", SECRETS, body)).status, 401);
    assert.equal((await secured.call("POST", SECRETS, body, auth)).status, 201);
    for (const path of [
      `${SECRETS}/guarded`,
      SECRETS,
      "/api/v1/secrets",
      `${SECRETS}?watch=1`,
      "/api/v1/secrets?watch=true&timeoutSeconds=1",
    ]) {
      const anon = await secured.call("GET", path);
      assert.equal(anon.status, 401, path);
      assert.equal(anon.body.reason, "Unauthorized");
      noValue(JSON.stringify(anon.body), `a 401 for ${path}`);
      assert.equal((await secured.call("GET", path, undefined, { ...TABLE })).status, 401, `${path} as a table`);
      assert.equal((await secured.call("GET", path, undefined, { authorization: "Bearer wrong" })).status, 401);
    }
    const got = await secured.call("GET", `${SECRETS}/guarded`, undefined, auth);
    assert.equal(got.status, 200);
    assert.equal(got.body.data.a, b64(SECRET_VALUE));
    assert.equal((await secured.call("GET", "/api/v1/secrets?watch=1&timeoutSeconds=1", undefined, auth)).status, 200);
  } finally {
    await secured.close();
    await rm(dir, { recursive: true, force: true });
  }
});
