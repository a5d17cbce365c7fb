import assert from "node:assert/strict";
import { test } from "node:test";
import type { KeyValue, StorageEvent } from "../storage.ts";
import { decodeEvent, decodeObject, encodeEvent, encodeObject } from "./record-codec.ts";

const kv = (value: string, createRevision: number, modRevision: number): KeyValue => ({
  key: "core/configmaps/ns/ä-名",
  value,
  createRevision,
  modRevision,
});

test("objects round-trip, whatever their text holds", () => {
  for (const value of ["", '{"a":"b"}', '{"s":"ünïcødé 名前 😀 \\" \\\\"}', "x".repeat(3_000_000)]) {
    const original = kv(value, 7, 2 ** 40);
    const { key, ...object } = original;
    assert.deepEqual({ key, ...decodeObject(encodeObject(object)) }, original);
  }
});

test("an object decodes from the first bytes of a larger shared buffer", () => {
  const record = encodeObject({ value: '{"a":1}', createRevision: 1, modRevision: 2 });
  const shared = Buffer.alloc(record.length + 10, "x");
  record.copy(shared);
  assert.deepEqual(decodeObject(shared, record.length), { value: '{"a":1}', createRevision: 1, modRevision: 2 });
});

test("events round-trip with and without the previous version, and a delete keeps the last state", () => {
  const events: StorageEvent[] = [
    { type: "put", revision: 9, kv: kv('{"v":1}', 9, 9) },
    { type: "put", revision: 12, kv: kv('{"v":"😀"}', 9, 12), prev: kv('{"v":1}', 9, 9) },
    { type: "delete", revision: 13, key: "core/configmaps/ns/ä-名", prev: kv('{"v":"😀"}', 9, 12) },
  ];
  for (const event of events) assert.deepEqual(decodeEvent(event.revision, encodeEvent(event)), event);
});

test("a change record of an unknown kind fails naming its revision", () => {
  const bytes = encodeEvent({ type: "put", revision: 3, kv: kv("{}", 3, 3) });
  bytes[0] = 9;
  assert.throws(() => decodeEvent(3, bytes), /revision 3 has unknown kind 9/);
});
