import assert from "node:assert/strict";
import { test } from "node:test";
import { clientResponseHeaderList } from "./headers.ts";

test("response fields: hop-by-hop and Connection-named dropped, order and case kept; chunked drops Content-Length", () => {
  const flat = [
    "Server",
    "b",
    "Connection",
    "keep-alive, X-Hop",
    "X-Hop",
    "h",
    "Keep-Alive",
    "timeout=5",
    "Transfer-Encoding",
    "chunked",
    "Content-Length",
    "3",
    "Set-Cookie",
    "a=1",
    "set-cookie",
    "b=2",
  ];
  assert.deepEqual(clientResponseHeaderList(flat, false), [
    "Server",
    "b",
    "Content-Length",
    "3",
    "Set-Cookie",
    "a=1",
    "set-cookie",
    "b=2",
  ]);
  assert.deepEqual(clientResponseHeaderList(flat, true), ["Server", "b", "Set-Cookie", "a=1", "set-cookie", "b=2"]);
});
