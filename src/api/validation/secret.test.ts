import assert from "node:assert/strict";
import { test } from "node:test";
import { defaultSecret } from "../defaults/secret.ts";
import { convertSecretInput } from "../secret-input.ts";
import type { KubeObject } from "../types.ts";
import { validateSecret } from "./secret.ts";

const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");
const SECRET_VALUE = "hunter2-TOP-SECRET";

function secret(body: Record<string, unknown>, name = "s"): KubeObject {
  const obj = convertSecretInput({
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name, namespace: "default" },
    ...body,
  }) as KubeObject;
  defaultSecret(obj);
  return obj;
}
const check = (obj: KubeObject, old?: KubeObject) => validateSecret(obj, old);
const fields = (obj: KubeObject, old?: KubeObject) => check(obj, old).map((c) => c.field);

test("valid secrets of each well-known type pass", () => {
  assert.deepEqual(check(secret({ data: { password: b64(SECRET_VALUE) } })), []);
  assert.deepEqual(check(secret({ stringData: { "a.b-c_D": "x" } })), []);
  assert.deepEqual(
    check(secret({ type: "kubernetes.io/tls", data: { "tls.crt": b64("c"), "tls.key": b64("k") } })),
    [],
  );
  assert.deepEqual(check(secret({ type: "kubernetes.io/tls", stringData: { "tls.crt": "", "tls.key": "" } })), []);
  assert.deepEqual(check(secret({ type: "kubernetes.io/basic-auth", stringData: { username: "u" } })), []);
  assert.deepEqual(check(secret({ type: "kubernetes.io/ssh-auth", stringData: { "ssh-privatekey": "k" } })), []);
  assert.deepEqual(
    check(secret({ type: "kubernetes.io/dockerconfigjson", stringData: { ".dockerconfigjson": '{"auths":{}}' } })),
    [],
  );
  assert.deepEqual(check(secret({ type: "example.com/custom", immutable: true })), []);
});

test("kubernetes.io/tls requires tls.crt and tls.key", () => {
  assert.deepEqual(fields(secret({ type: "kubernetes.io/tls" })), ["data[tls.crt]", "data[tls.key]"]);
  const missingKey = check(secret({ type: "kubernetes.io/tls", stringData: { "tls.crt": "c" } }));
  assert.deepEqual(missingKey, [{ field: "data[tls.key]", reason: "FieldValueRequired", message: "Required value" }]);
});

test("other types' required keys, as Kubernetes checks them", () => {
  assert.deepEqual(fields(secret({ type: "kubernetes.io/basic-auth" })), ["data[username]", "data[password]"]);
  assert.deepEqual(fields(secret({ type: "kubernetes.io/ssh-auth", stringData: { "ssh-privatekey": "" } })), [
    "data[ssh-privatekey]",
  ]);
  assert.deepEqual(fields(secret({ type: "kubernetes.io/dockercfg" })), ["data[.dockercfg]"]);
  assert.deepEqual(fields(secret({ type: "kubernetes.io/service-account-token" })), [
    "metadata.annotations[kubernetes.io/service-account.name]",
  ]);
  const badJson = check(
    secret({ type: "kubernetes.io/dockerconfigjson", stringData: { ".dockerconfigjson": `{${SECRET_VALUE}` } }),
  );
  assert.deepEqual(badJson, [
    {
      field: "data[.dockerconfigjson]",
      reason: "FieldValueInvalid",
      message: 'Invalid value: "<secret contents redacted>": must be a JSON object',
    },
  ]);
});

test("data keys are config keys; the key is echoed, the value never", () => {
  const causes = check(secret({ data: { "a b": b64(SECRET_VALUE), "..x": b64(SECRET_VALUE), ".": "" } }));
  assert.deepEqual(
    causes.map((c) => c.field),
    ["data[.]", "data[..x]", "data[a b]"],
  );
  assert.match(causes[2]?.message ?? "", /^Invalid value: "a b": a valid config key must consist of/);
  for (const c of causes) assert.doesNotMatch(c.message, new RegExp(`${SECRET_VALUE}|${b64(SECRET_VALUE)}`));
});

test("1 MiB of decoded data in all, no more", () => {
  const half = Buffer.alloc(512 * 1024, 1).toString("base64");
  assert.deepEqual(check(secret({ data: { a: half, b: half } })), []);
  assert.deepEqual(check(secret({ data: { a: half, b: half, c: b64("x") } })), [
    { field: "data", reason: "FieldValueTooLong", message: "Too long: may not be more than 1048576 bytes" },
  ]);
});

test("type and immutable must have their types", () => {
  assert.deepEqual(fields(secret({ type: 5 })), ["type"]);
  assert.deepEqual(fields(secret({ immutable: "yes" })), ["immutable"]);
});

test("update: type is immutable; immutable data is Forbidden to change, metadata is not", () => {
  const old = secret({ type: "kubernetes.io/tls", stringData: { "tls.crt": "c", "tls.key": "k" } });
  const retyped = secret({ type: "Opaque", stringData: { "tls.crt": "c", "tls.key": "k" } });
  assert.deepEqual(check(retyped, old), [
    { field: "type", reason: "FieldValueInvalid", message: 'Invalid value: "Opaque": field is immutable' },
  ]);
  const frozen = secret({ immutable: true, stringData: { a: "1" } });
  const changed = secret({ immutable: true, stringData: { a: "2" } });
  assert.deepEqual(check(changed, frozen), [
    { field: "data", reason: "FieldValueForbidden", message: "Forbidden: field is immutable when `immutable` is set" },
  ]);
  const thawed = secret({ immutable: false, stringData: { a: "1" } });
  assert.deepEqual(fields(thawed, frozen), ["immutable"]);
  const relabeled = secret({ immutable: true, stringData: { a: "1" } });
  relabeled.metadata.labels = { x: "y" };
  assert.deepEqual(check(relabeled, frozen), []);
  assert.deepEqual(check(secret({ immutable: true, stringData: { a: "2" } }), secret({ stringData: { a: "1" } })), []);
});

test("bad annotations are reported without echoing them (they may hold the applied data)", () => {
  const obj = secret({ stringData: { a: "1" } });
  obj.metadata.annotations = {
    "kubectl.kubernetes.io/last-applied-configuration": `{"stringData":{"a":"${SECRET_VALUE}"}}`,
    bad: 5,
  } as unknown as Record<string, string>;
  assert.deepEqual(check(obj), [
    {
      field: "metadata.annotations",
      reason: "FieldValueInvalid",
      message: "Invalid value: must be a map of string keys to string values",
    },
  ]);
});
