import assert from "node:assert/strict";
import { test } from "node:test";
import { ApiError } from "../machinery/status.ts";
import { decodeContinue, encodeContinue } from "./continue-token.ts";

test("a continue token round-trips and is opaque", () => {
  const token = encodeContinue({ revision: 42, startAfter: "core/pods/default/a" });
  assert.doesNotMatch(token, /core\/pods/);
  assert.deepEqual(decodeContinue(token), { revision: 42, startAfter: "core/pods/default/a" });
});

test("a foreign continue token is a 400", () => {
  for (const bad of ["", "nope", Buffer.from('{"rv":"x"}').toString("base64url")]) {
    assert.throws(
      () => decodeContinue(bad),
      (err: unknown) => err instanceof ApiError && err.code === 400,
      bad,
    );
  }
});
