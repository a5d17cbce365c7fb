import assert from "node:assert/strict";
import { test } from "node:test";
import { TcpFramer } from "./tcp-framer.ts";

const frame = (body: Buffer): Buffer => Buffer.concat([Buffer.from([body.length >> 8, body.length & 0xff]), body]);
const msgA = Buffer.alloc(12, 0xaa);
const msgB = Buffer.alloc(300, 0xbb);

test("two messages in one chunk come out in order", () => {
  const f = new TcpFramer();
  const ev = f.push(Buffer.concat([frame(msgA), frame(msgB)]));
  assert.deepEqual(ev, [
    { type: "message", msg: msgA },
    { type: "message", msg: msgB },
  ]);
  assert.equal(f.pending, 0);
});

test("a stream fed one byte at a time (prefix split too) yields the same messages", () => {
  const f = new TcpFramer();
  const all = Buffer.concat([frame(msgB), frame(msgA)]);
  const out: Buffer[] = [];
  for (let i = 0; i < all.length; i++) {
    for (const ev of f.push(all.subarray(i, i + 1))) if (ev.type === "message") out.push(ev.msg);
    if (i === 0) assert.equal(f.pending, 1);
  }
  assert.deepEqual(out, [msgB, msgA]);
  assert.equal(f.pending, 0);
});

test("a partial message stays pending", () => {
  const f = new TcpFramer();
  assert.deepEqual(f.push(frame(msgB).subarray(0, 100)), []);
  assert.equal(f.pending, 100);
});

for (const length of [0, 1, 11]) {
  test(`length ${length} is reported as not DNS`, () => {
    const f = new TcpFramer();
    assert.deepEqual(f.push(Buffer.from([0, length, 1, 2, 3])), [{ type: "bad-length", length }]);
    assert.equal(f.pending, 0);
  });
}

test("length 65535 waits for all its bytes", () => {
  const f = new TcpFramer();
  assert.deepEqual(f.push(Buffer.from([0xff, 0xff, ...Array(10).fill(0)])), []);
  assert.equal(f.pending, 12);
  const ev = f.push(Buffer.alloc(65535 - 10));
  assert.equal(ev.length, 1);
  assert.equal(ev[0]?.type === "message" && ev[0].msg.length, 65535);
});
