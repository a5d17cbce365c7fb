import assert from "node:assert/strict";
import { test } from "node:test";
import { decodeMessage, type MessageSchema, ProtobufError, readFields } from "./protobuf.ts";

/** A one-byte tag, for field numbers up to 15. */
const tag = (field: number, wire: number) => (field << 3) | wire;
const str = (field: number, s: string) => {
  const b = Buffer.from(s);
  return [tag(field, 2), b.length, ...b];
};

test("fields in wire order: varints (multi-byte, negative), length-delimited, fixed widths", () => {
  const buf = Uint8Array.from([
    tag(1, 0),
    0xac,
    0x02, // 300
    ...str(2, "hi"),
    tag(3, 5),
    1,
    2,
    3,
    4,
    tag(4, 1),
    ...new Array(8).fill(0),
    tag(5, 0),
    ...new Array(9).fill(0xff),
    0x01, // -1 as int64
  ]);
  const fields = [...readFields(buf)];
  assert.deepEqual(
    fields.map((f) => [f.field, f.wireType]),
    [
      [1, "varint"],
      [2, "bytes"],
      [3, "bytes"],
      [4, "bytes"],
      [5, "varint"],
    ],
  );
  assert.equal((fields[0] as { value: bigint }).value, 300n);
  assert.equal(Buffer.from((fields[1] as { bytes: Uint8Array }).bytes).toString(), "hi");
  assert.equal(BigInt.asIntN(64, (fields[4] as { value: bigint }).value), -1n);
});

test("malformed messages are ProtobufErrors", () => {
  for (const bad of [
    [tag(1, 0), 0x80], // varint cut short
    [tag(1, 2), 5, 1, 2], // length past the end
    [tag(1, 3)], // group
    [tag(1, 7)],
    [0x00, 0x00], // field 0
    [tag(1, 0), ...new Array(11).fill(0x80)],
  ]) {
    assert.throws(() => [...readFields(Uint8Array.from(bad))], ProtobufError, JSON.stringify(bad));
  }
});

test("decodeMessage: JSON shape, omitempty scalars, maps, repeated and nested messages, unknown fields skipped", () => {
  const inner: MessageSchema = { 1: { name: "n", type: "string" } };
  const schema: MessageSchema = {
    1: { name: "name", type: "string" },
    2: { name: "empty", type: "string" },
    3: { name: "count", type: "int" },
    4: { name: "zero", type: "int" },
    5: { name: "flag", type: "bool" },
    6: { name: "labels", type: "stringMap" },
    7: { name: "data", type: "bytesMap" },
    8: { name: "items", type: "strings" },
    9: { name: "refs", type: { message: inner, repeated: true } },
    10: { name: "meta", type: { message: inner } },
    11: { name: "raw", type: "bytes" },
    12: { name: "stamp", type: { message: inner, convert: (f) => `<${String(f["n"])}>` } },
  };
  const entry = (field: number, k: string, v: number[]) => {
    const body = [...str(1, k), tag(2, 2), v.length, ...v];
    return [tag(field, 2), body.length, ...body];
  };
  const nested = (field: number, s: string) => {
    const body = str(1, s);
    return [tag(field, 2), body.length, ...body];
  };
  const buf = Uint8Array.from([
    ...str(1, "x"),
    ...str(2, ""),
    tag(3, 0),
    7,
    tag(4, 0),
    0,
    tag(5, 0),
    0,
    ...entry(6, "app", [...Buffer.from("web")]),
    ...entry(6, "empty", []),
    ...entry(7, "bin", [0, 1, 0xff]),
    ...str(8, "a"),
    ...str(8, "b"),
    ...nested(9, "r1"),
    ...nested(9, "r2"),
    ...nested(10, "m"),
    ...str(11, "\u0001"),
    ...nested(12, "t"),
    ...str(13, "ignored"),
    0xc0, // field 1000, varint: a two-byte tag
    0x3e,
    1,
  ]);
  assert.deepEqual(decodeMessage(buf, schema), {
    name: "x",
    count: 7,
    flag: false,
    labels: { app: "web", empty: "" },
    data: { bin: "AAH/" },
    items: ["a", "b"],
    refs: [{ n: "r1" }, { n: "r2" }],
    meta: { n: "m" },
    raw: "AQ==",
    stamp: "<t>",
  });
  assert.throws(
    () => decodeMessage(Uint8Array.from([tag(1, 0), 1]), schema),
    /name: expected a length-delimited field/,
  );
});
