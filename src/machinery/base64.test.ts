import assert from "node:assert/strict";
import { test } from "node:test";
import { Base64Error, base64ByteLength, base64Fault, canonicalBase64, decodeBase64 } from "./base64.ts";

test("well-formed standard base64 decodes, line breaks skipped", () => {
  for (const [text, bytes] of [
    ["", ""],
    ["YQ==", "a"],
    ["YWI=", "ab"],
    ["YWJj", "abc"],
    ["YWJj\nZGVm\r\n", "abcdef"],
    ["YW\nI=", "ab"],
    ["YQ=\n=", "a"],
    ["YQ==\n", "a"],
  ] as const) {
    assert.equal(base64Fault(text), -1, JSON.stringify(text));
    assert.equal(decodeBase64(text).toString("latin1"), bytes, JSON.stringify(text));
  }
  assert.deepEqual(decodeBase64("/+8="), Buffer.from([0xff, 0xef]));
});

test("faults are reported at Go's offsets and never quote the text", () => {
  for (const [text, offset] of [
    ["YQ", 0], // unpadded: the incomplete last quantum
    ["YWJjZA", 4],
    ["YQ=", 3], // one '=' where two are due
    ["Y===", 1], // padding after one character
    ["=AAA", 0],
    ["YWJj!", 4], // not in the alphabet
    ["YW-j", 2], // the URL alphabet is not the standard one
    ["YQ==YQ==", 4], // data after the padding
    ["YWI=x", 4],
    ["YQ=x", 2],
  ] as const) {
    assert.equal(base64Fault(text), offset, JSON.stringify(text));
    assert.throws(
      () => decodeBase64(text),
      (err: unknown) =>
        err instanceof Base64Error &&
        err.offset === offset &&
        err.message === `illegal base64 data at input byte ${offset}`,
    );
  }
});

test("canonical form and byte length", () => {
  assert.equal(canonicalBase64("YW\r\nJj"), "YWJj");
  for (const n of [0, 1, 2, 3, 4, 5, 1000]) {
    const canonical = Buffer.alloc(n, 7).toString("base64");
    assert.equal(base64ByteLength(canonical), n);
  }
});
