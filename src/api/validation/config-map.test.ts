import assert from "node:assert/strict";
import { test } from "node:test";
import { convertConfigMapInput } from "../config-map-input.ts";
import type { KubeObject } from "../types.ts";
import { validateConfigMap } from "./config-map.ts";

function cm(body: Record<string, unknown>, name = "c"): KubeObject {
  return convertConfigMapInput({
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name, namespace: "default" },
    ...body,
  }) as KubeObject;
}
const fields = (obj: KubeObject, old?: KubeObject) => validateConfigMap(obj, old).map((c) => c.field);

test("valid config maps pass", () => {
  assert.deepEqual(fields(cm({})), []);
  assert.deepEqual(fields(cm({ data: { "game.properties": "a=b\n", K_2: "" }, binaryData: { bin: "AAEC" } })), []);
  assert.deepEqual(fields(cm({ immutable: true })), []);
});

test("keys are config keys, and none is in both data and binaryData", () => {
  assert.deepEqual(fields(cm({ data: { "a/b": "x" }, binaryData: { "..": "" } })), ["data[a/b]", "binaryData[..]"]);
  const dup = validateConfigMap(cm({ data: { k: "x" }, binaryData: { k: "AA==" } }));
  assert.deepEqual(dup, [
    {
      field: "data[k]",
      reason: "FieldValueInvalid",
      message: 'Invalid value: "k": duplicate of key present in binaryData',
    },
  ]);
  assert.deepEqual(fields(cm({}, "Bad_Name")), ["metadata.name"]);
});

test("1 MiB in all, UTF-8 bytes of data plus decoded binaryData, reported on the whole object", () => {
  const text = "é".repeat(256 * 1024); // 512 KiB of UTF-8
  const bin = Buffer.alloc(512 * 1024).toString("base64");
  assert.deepEqual(fields(cm({ data: { a: text }, binaryData: { b: bin } })), []);
  assert.deepEqual(validateConfigMap(cm({ data: { a: text, c: "x" }, binaryData: { b: bin } })), [
    { field: "", reason: "FieldValueTooLong", message: "Too long: may not be more than 1048576 bytes" },
  ]);
});

test("update: immutable config maps keep their data and binaryData", () => {
  const frozen = cm({ immutable: true, data: { a: "1" }, binaryData: { b: "AA==" } });
  assert.deepEqual(fields(cm({ immutable: true, data: { a: "2" }, binaryData: { b: "AQ==" } }), frozen), [
    "data",
    "binaryData",
  ]);
  assert.deepEqual(fields(cm({ data: { a: "1" }, binaryData: { b: "AA==" } }), frozen), ["immutable"]);
  assert.deepEqual(fields(cm({ immutable: true, data: { a: "1" }, binaryData: { b: "AA==" } }), frozen), []);
  assert.deepEqual(fields(cm({ data: { a: "2" } }), cm({ data: { a: "1" } })), []);
});
