import assert from "node:assert/strict";
import { test } from "node:test";
import { type HeadParse, MAX_HEAD_BYTES, parseResponseHead } from "./response-head.ts";

const parse = (text: string, method = "GET"): HeadParse => parseResponseHead(Buffer.from(text, "latin1"), method);

test("a plain head: status, reason, headers in order, Content-Length framing, keep-alive", () => {
  const p = parse("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\nX-A:  spaced \t\r\n\r\nhello");
  assert.equal(p.type, "head");
  if (p.type !== "head") return;
  assert.equal(p.status, 200);
  assert.equal(p.reason, "OK");
  assert.deepEqual(p.headers, ["Content-Type", "text/plain", "Content-Length", "5", "X-A", "spaced"]);
  assert.deepEqual(p.body, { type: "length", length: 5 });
  assert.equal(p.keepAlive, true);
  assert.equal(
    p.size,
    Buffer.byteLength("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\nX-A:  spaced \t\r\n\r\n"),
  );
});

test("framing: chunked, close-delimited, no body for HEAD/204/304/1xx, Connection: close, HTTP/1.0", () => {
  const body = (t: string, m = "GET") => {
    const p = parse(t, m);
    assert.equal(p.type, "head", t);
    return p.type === "head" ? [p.body.type, p.keepAlive] : [];
  };
  assert.deepEqual(body("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"), ["chunked", true]);
  assert.deepEqual(body("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n"), [
    "chunked",
    false,
  ]);
  assert.deepEqual(body("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n"), ["close", false]);
  assert.deepEqual(body("HTTP/1.1 200 OK\r\n\r\n"), ["close", false]);
  assert.deepEqual(body("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n", "HEAD"), ["none", true]);
  assert.deepEqual(body("HTTP/1.1 204 No Content\r\n\r\n"), ["none", true]);
  assert.deepEqual(body("HTTP/1.1 304 Not Modified\r\nContent-Length: 9\r\n\r\n"), ["none", true]);
  assert.deepEqual(body("HTTP/1.1 100 Continue\r\n\r\n"), ["none", true]);
  assert.deepEqual(body("HTTP/1.1 200 OK\r\nConnection: foo, Close\r\nContent-Length: 0\r\n\r\n"), ["length", false]);
  assert.deepEqual(body("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n"), ["length", false]);
  assert.deepEqual(body("HTTP/1.1 200 OK\r\nContent-Length: 4\r\ncontent-length: 4\r\n\r\n"), ["length", true]);
  assert.deepEqual(body("HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n"), ["length", true]);
});

test("malformed heads are refused, never guessed at", () => {
  const bad = [
    "HTTP/2 200 OK\r\n\r\n",
    "HTTP/1.1 20 OK\r\n\r\n",
    "HTTP/1.1 099 Low\r\n\r\n",
    "ICY 200 OK\r\n\r\n",
    "HTTP/1.1 200 OK\r\nNo-Colon\r\n\r\n",
    "HTTP/1.1 200 OK\r\n: empty-name\r\n\r\n",
    "HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n",
    "HTTP/1.1 200 OK\r\nX-A: a\r\n folded\r\n\r\n",
    "HTTP/1.1 200 OK\r\nX-A: a\nX-B: bare-lf\r\n\r\n",
    "HTTP/1.1 200 OK\r\nX-A: nul\0\r\n\r\n",
    "HTTP/1.1 200 OK\r\nX-A: cr\rx\r\n\r\n",
    "HTTP/1.1 200 OK\r\nContent-Length: 4\r\nContent-Length: 5\r\n\r\n",
    "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
    "HTTP/1.1 200 OK\r\nContent-Length: 0x10\r\n\r\n",
    "HTTP/1.1 200 OK\r\nContent-Length: 1234567890123456\r\n\r\n",
  ];
  for (const t of bad) assert.equal(parse(t).type, "invalid", JSON.stringify(t));
});

test("a head split across chunks is incomplete until its blank line arrives", () => {
  const whole = Buffer.from("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
  for (let cut = 0; cut < whole.length - 2; cut++) {
    const part = parseResponseHead(whole.subarray(0, cut), "GET");
    assert.equal(part.type, "incomplete", `cut at ${cut}`);
  }
  const p = parseResponseHead(whole, "GET");
  assert.ok(p.type === "head");
  assert.equal(whole.subarray(p.size).toString(), "ok");
});

test("oversized heads are refused, whether or not their end has arrived", () => {
  const filler = `X-Pad: ${"a".repeat(MAX_HEAD_BYTES)}\r\n`;
  assert.equal(parse(`HTTP/1.1 200 OK\r\n${filler}`).type, "invalid");
  assert.equal(parse(`HTTP/1.1 200 OK\r\n${filler}\r\n`).type, "invalid");
  assert.equal(parseResponseHead(Buffer.from("HTTP/1.1 200 OK\r\nX: y\r\n\r\n"), "GET", 16).type, "invalid");
  assert.equal(parseResponseHead(Buffer.from("HTTP/1.1 200 OK\r\n"), "GET", 16).type, "invalid");
  assert.equal(parseResponseHead(Buffer.from("HTTP/1.1 200 OK"), "GET", 16).type, "incomplete");
});
