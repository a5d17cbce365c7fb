import assert from "node:assert/strict";
import { test } from "node:test";
import { ApiError } from "../machinery/status.ts";
import { convertConfigMapInput } from "./config-map-input.ts";

function rejects(fn: () => unknown, message: string): void {
  assert.throws(fn, (err: unknown) => err instanceof ApiError && err.code === 400 && err.message === message);
}

test("ConfigMap: data must be strings, binaryData base64; both sorted", () => {
  const out = convertConfigMapInput({ data: { z: "1", a: null }, binaryData: { bin: "AAE=\n" } }) as Record<
    string,
    unknown
  >;
  assert.deepEqual(out["data"], { a: "", z: "1" });
  assert.deepEqual(out["binaryData"], { bin: "AAE=" });
  rejects(
    () => convertConfigMapInput({ data: { n: 5 } }),
    'ConfigMap in version "v1" cannot be handled as a ConfigMap: data[n]: must be a string',
  );
  rejects(
    () => convertConfigMapInput({ binaryData: { b: "A" } }),
    'ConfigMap in version "v1" cannot be handled as a ConfigMap: binaryData[b]: illegal base64 data at input byte 0',
  );
});
