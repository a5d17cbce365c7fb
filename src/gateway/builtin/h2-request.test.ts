import assert from "node:assert/strict";
import { test } from "node:test";
import { clientLimits } from "../client-limits.ts";
import { checkH2Request, h2Body, h2RequestHead } from "./h2-request.ts";

const limits = clientLimits();
const raw = (...pairs: [string, string][]) => pairs.flat();

test("an HTTP/2 request routes by :authority; a Host naming another host, no authority, or a non-origin :path is 400", () => {
  const ok = checkH2Request(
    { ":method": "GET", ":path": "/x?y", ":authority": "A.test:8443" },
    raw([":method", "GET"], [":path", "/x?y"], [":authority", "A.test:8443"]),
    limits,
  );
  assert.deepEqual(ok, { type: "ok", method: "GET", name: "a.test", url: "/x?y", authority: "A.test:8443" });
  const same = checkH2Request(
    { ":method": "GET", ":path": "/", ":authority": "a.test", host: "A.test:443" },
    [],
    limits,
  );
  assert.equal(same.type, "ok", "a Host for the same host is fine");
  const other = checkH2Request({ ":method": "GET", ":path": "/", ":authority": "a.test", host: "b.test" }, [], limits);
  assert.deepEqual([other.type, other.type === "reject" && other.status], ["reject", 400]);
  assert.equal(checkH2Request({ ":method": "GET", ":path": "/" }, [], limits).type, "reject");
  assert.equal(
    checkH2Request({ ":method": "OPTIONS", ":path": "*", ":authority": "a.test" }, [], limits).type,
    "reject",
  );
  assert.equal(checkH2Request({ ":method": "GET", ":path": "/", host: "a.test" }, [], limits).type, "ok");
  const long = checkH2Request(
    { ":method": "GET", ":path": `/${"a".repeat(9000)}`, ":authority": "a.test" },
    [],
    limits,
  );
  assert.equal(long.type === "reject" && long.status, 414);
});

test("the HTTP/1.1 head: pseudo-header fields gone, Host from :authority, cookies joined, X-Forwarded-Proto https", () => {
  const head = h2RequestHead(
    "POST",
    "/p",
    raw(
      [":method", "POST"],
      [":path", "/service/p"],
      [":authority", "a.test"],
      [":scheme", "https"],
      ["cookie", "a=1"],
      ["content-length", "5"],
      ["te", "trailers"],
      ["cookie", "b=2"],
      ["x-forwarded-for", "192.0.2.1"],
      ["accept", "*/*"],
    ),
    "127.0.0.1",
    h2Body({ "content-length": "5" }, false),
    "a.test",
  );
  assert.equal(
    head,
    "POST /p HTTP/1.1\r\nhost: a.test\r\ncontent-length: 5\r\naccept: */*\r\ncookie: a=1; b=2\r\n" +
      "x-forwarded-for: 192.0.2.1, 127.0.0.1\r\nx-real-ip: 127.0.0.1\r\nx-forwarded-host: a.test\r\nx-forwarded-proto: https\r\n\r\n",
  );
  assert.equal(h2Body({}, true), "none");
  assert.equal(h2Body({}, false), "chunked", "a body without a length goes upstream chunked");
});
