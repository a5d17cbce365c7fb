import assert from "node:assert/strict";
import { test } from "node:test";
import { requestHead } from "./request-head.ts";

test("hop-by-hop and Connection-named fields dropped, X-Forwarded-* set, names and order kept", () => {
  const raw = [
    "Host",
    "a.test:8080",
    "Connection",
    "keep-alive, X-Secret",
    "X-Secret",
    "s",
    "Keep-Alive",
    "timeout=5",
    "X-Forwarded-For",
    "192.0.2.1",
    "x-forwarded-for",
    "192.0.2.2",
    "X-Real-IP",
    "spoof",
    "X-Forwarded-Proto",
    "https",
    "Expect",
    "100-continue",
    "Accept",
    "*/*",
    "TE",
    "trailers",
    "Content-Length",
    "3",
  ];
  assert.equal(
    requestHead("POST", "/p?q=1", raw, "127.0.0.1", "length", undefined, "http"),
    "POST /p?q=1 HTTP/1.1\r\nHost: a.test:8080\r\nAccept: */*\r\nContent-Length: 3\r\n" +
      "x-forwarded-for: 192.0.2.1, 192.0.2.2, 127.0.0.1\r\nx-real-ip: 127.0.0.1\r\nx-forwarded-host: a.test:8080\r\nx-forwarded-proto: http\r\n\r\n",
  );
});

test("body framing: none drops Content-Length, chunked replaces Transfer-Encoding", () => {
  assert.equal(
    requestHead("GET", "/", ["Content-Length", "0"], "::1", "none", undefined, "http"),
    "GET / HTTP/1.1\r\nx-forwarded-for: ::1\r\nx-real-ip: ::1\r\nx-forwarded-proto: http\r\n\r\n",
  );
  const chunked = requestHead(
    "PUT",
    "/",
    ["Host", "h", "Transfer-Encoding", "chunked"],
    "::1",
    "chunked",
    undefined,
    "http",
  );
  assert.match(chunked, /\r\ntransfer-encoding: chunked\r\n\r\n$/);
  assert.equal(chunked.match(/transfer-encoding/gi)?.length, 1);
});

test("an absolute-form authority replaces the client's Host, also as X-Forwarded-Host", () => {
  assert.equal(
    requestHead("GET", "/abs", ["Host", "evil.test", "Accept", "*/*"], "127.0.0.1", "none", "smug.test:8080", "http"),
    "GET /abs HTTP/1.1\r\nhost: smug.test:8080\r\nAccept: */*\r\n" +
      "x-forwarded-for: 127.0.0.1\r\nx-real-ip: 127.0.0.1\r\nx-forwarded-host: smug.test:8080\r\nx-forwarded-proto: http\r\n\r\n",
  );
  assert.match(
    requestHead("GET", "/", [], "::1", "none", "smug.test", "https"),
    /^GET \/ HTTP\/1\.1\r\nhost: smug\.test\r\n.*x-forwarded-proto: https\r\n\r\n$/s,
  );
});

test("Connection cannot drop Host or Content-Length (the backend would misroute or misframe)", () => {
  const head = requestHead(
    "POST",
    "/",
    ["Host", "a.test", "Connection", "host, content-length, x-other", "Content-Length", "3", "X-Other", "o"],
    "::1",
    "length",
    undefined,
    "http",
  );
  assert.match(head, /\r\nHost: a\.test\r\n/);
  assert.match(head, /\r\nContent-Length: 3\r\n/);
  assert.doesNotMatch(head, /X-Other/);
});
