import assert from "node:assert/strict";
import { test } from "node:test";
import { bodyReader, type Feed } from "./body-reader.ts";
import type { BodyFraming } from "./response-head.ts";

/** Feeds `wire` to a reader in pieces of `step` bytes; returns the body and the last outcome. */
function run(framing: BodyFraming, wire: string, step: number): { body: string; last: Feed } {
  const reader = bodyReader(framing);
  const parts: Buffer[] = [];
  const bytes = Buffer.from(wire, "latin1");
  let last: Feed = { type: "more" };
  for (let at = 0; at < bytes.length && last.type === "more"; at += step)
    last = reader.feed(bytes.subarray(at, at + step), (d) => parts.push(d));
  return { body: Buffer.concat(parts).toString("latin1"), last };
}

test("Content-Length: passes exactly the length, reports bytes beyond it", () => {
  for (const step of [1, 3, 100]) {
    assert.deepEqual(run({ type: "length", length: 5 }, "hello", step), {
      body: "hello",
      last: { type: "done", rest: 0 },
    });
  }
  assert.deepEqual(run({ type: "length", length: 5 }, "hello!!", 100), {
    body: "hello",
    last: { type: "done", rest: 2 },
  });
  assert.deepEqual(run({ type: "length", length: 0 }, "", 1).last.type, "more"); // nothing fed
  assert.deepEqual(
    bodyReader({ type: "length", length: 0 }).feed(Buffer.alloc(0), () => assert.fail()),
    { type: "done", rest: 0 },
  );
  assert.deepEqual(
    bodyReader({ type: "none" }).feed(Buffer.alloc(0), () => assert.fail()),
    { type: "done", rest: 0 },
  );
});

test("close-delimited: everything is body, never done", () => {
  assert.deepEqual(run({ type: "close" }, "abc", 1), { body: "abc", last: { type: "more" } });
});

test("chunked: decoded across any split, extensions and trailers skipped", () => {
  const wire = "5;name=val\r\nhello\r\n6\r\n world\r\nA \r\n0123456789\r\n0\r\nX-Trailer: t\r\n\r\n";
  for (const step of [1, 2, 7, 1000]) {
    assert.deepEqual(
      run({ type: "chunked" }, wire, step),
      { body: "hello world0123456789", last: { type: "done", rest: 0 } },
      `step ${step}`,
    );
  }
  assert.deepEqual(run({ type: "chunked" }, "0\r\n\r\nextra", 100), { body: "", last: { type: "done", rest: 5 } });
});

test("chunked: malformed or oversized framing is invalid", () => {
  const bad = [
    "\r\n",
    "g\r\n",
    "5\nhello\r\n0\r\n\r\n",
    "5\r\nhelloXY0\r\n\r\n",
    "1234567890abc\r\n",
    `1;${"e".repeat(5000)}\r\n`,
    "0\r\nX: y\n\r\n",
    `0\r\n${"X: y\r\n".repeat(4000)}\r\n`,
  ];
  for (const wire of bad)
    assert.equal(run({ type: "chunked" }, wire, 3).last.type, "invalid", JSON.stringify(wire.slice(0, 30)));
});
