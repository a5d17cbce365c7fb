import assert from "node:assert/strict";
import { test } from "node:test";
import { ApiError } from "../machinery/status.ts";
import { convertSecretInput } from "./secret-input.ts";

const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");
const SECRET_VALUE = "hunter2-TOP-SECRET";

function rejects(fn: () => unknown, message: string): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof ApiError);
    assert.equal(err.code, 400);
    assert.equal(err.status.reason, "BadRequest");
    assert.equal(err.message, message);
    return true;
  });
}

test("stringData is merged into data as base64 (stringData wins), then dropped; keys sorted", () => {
  const out = convertSecretInput({
    kind: "Secret",
    data: { b: b64("old"), a: b64("kept") },
    stringData: { b: "new", c: "ünï" },
  }) as Record<string, unknown>;
  assert.deepEqual(out["data"], { a: b64("kept"), b: b64("new"), c: b64("ünï") });
  assert.equal(Object.hasOwn(out, "stringData"), false);
  assert.deepEqual(Object.keys(out["data"] as object), ["a", "b", "c"]);
});

test("data values are canonicalized: line breaks dropped, null is empty, a null map is dropped", () => {
  const out = convertSecretInput({ data: { a: "YW\nJj\r\n", e: null } }) as Record<string, unknown>;
  assert.deepEqual(out["data"], { a: "YWJj", e: "" });
  assert.equal(Object.hasOwn(convertSecretInput({ data: null, stringData: null }) as object, "data"), false);
  assert.equal(convertSecretInput("not an object"), "not an object");
});

test("a value that is not base64 is a 400 naming the key and the offset, never the value", () => {
  rejects(
    () => convertSecretInput({ data: { "tls.key": `${SECRET_VALUE}!` } }),
    'Secret in version "v1" cannot be handled as a Secret: data[tls.key]: illegal base64 data at input byte 7',
  );
  rejects(
    () => convertSecretInput({ data: { password: 42 } }),
    'Secret in version "v1" cannot be handled as a Secret: data[password]: must be a base64-encoded string',
  );
  rejects(
    () => convertSecretInput({ data: [SECRET_VALUE] }),
    'Secret in version "v1" cannot be handled as a Secret: data: must be a map of keys to base64-encoded values',
  );
  rejects(
    () => convertSecretInput({ stringData: { password: { v: SECRET_VALUE } } }),
    'Secret in version "v1" cannot be handled as a Secret: stringData[password]: must be a string',
  );
  rejects(
    () => convertSecretInput({ data: { ["k".repeat(300)]: "!" } }),
    `Secret in version "v1" cannot be handled as a Secret: data[${"k".repeat(256)}...]: illegal base64 data at input byte 0`,
  );
});
