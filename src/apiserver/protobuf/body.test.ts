import assert from "node:assert/strict";
import { test } from "node:test";
import { ApiError } from "../../machinery/status.ts";
import { parseProtobufBody } from "./body.ts";

/** What kubectl 1.32 sends for `kubectl create secret generic s1 --from-literal=a=b --from-literal=c=d -n ns1`. */
const KUBECTL_SECRET =
  "6b3873000a0c0a027631120653656372657412290a150a02733112001a036e733122002a0032003800420012060a016112016212060a01631201641a001a002200";
/** `kubectl create secret generic s2 --from-literal=a=b --type=foo/bar --append-hash`. */
const KUBECTL_TYPED_SECRET =
  "6b3873000a0c0a027631120653656372657412300a1d0a0d73322d3537366367327464623512001a0022002a0032003800420012060a01611201621a07666f6f2f6261721a002200";
/** `kubectl create configmap c1 --from-literal=a=b --from-file=bin=<the bytes 00 01 ff>`. */
const KUBECTL_CONFIGMAP =
  "6b3873000a0f0a0276311209436f6e6669674d617012280a120a02633112001a0022002a0032003800420012060a01611201621a0a0a0362696e12030001ff1a002200";

const body = (hex: string) => Buffer.from(hex, "hex");

function fails(hex: Buffer, code: number, pattern: RegExp): void {
  assert.throws(
    () => parseProtobufBody(hex),
    (err: unknown) => err instanceof ApiError && err.code === code && pattern.test(err.message),
  );
}

test("kubectl's Secret bodies read as their JSON form (data base64, empty strings left out)", () => {
  assert.deepEqual(parseProtobufBody(body(KUBECTL_SECRET)), {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: "s1", namespace: "ns1" },
    data: { a: "Yg==", c: "ZA==" },
  });
  assert.deepEqual(parseProtobufBody(body(KUBECTL_TYPED_SECRET)), {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: "s2-576cg2tdb5" },
    data: { a: "Yg==" },
    type: "foo/bar",
  });
});

test("kubectl's ConfigMap body: data as text, binaryData as base64", () => {
  assert.deepEqual(parseProtobufBody(body(KUBECTL_CONFIGMAP)), {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: "c1" },
    data: { a: "b" },
    binaryData: { bin: "AAH/" },
  });
});

test("other kinds are 415, a bad envelope or message 400", () => {
  const ns = Buffer.concat([
    Buffer.from("k8s\0"),
    Buffer.from([0x0a, 0x0f, 0x0a, 0x02, ...Buffer.from("v1"), 0x12, 0x09, ...Buffer.from("Namespace")]),
  ]);
  fails(ns, 415, /^Namespace in version "v1": protobuf bodies are read for Secret and ConfigMap only/);
  fails(Buffer.from('{"kind":"Secret"}'), 400, /does not start with the Kubernetes envelope/);
  fails(body(KUBECTL_SECRET).subarray(0, 30), 400, /^the protobuf body cannot be read: /);
  const gzipped = Buffer.concat([
    body(KUBECTL_SECRET).subarray(0, -4),
    Buffer.from([0x1a, 0x04, ...Buffer.from("gzip")]),
  ]);
  fails(gzipped, 415, /^the inner encoding "gzip"/);
});
