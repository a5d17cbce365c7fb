import assert from "node:assert/strict";
import { test } from "node:test";
import { AnswerCache, type CachedAnswer } from "./answer-cache.ts";

const answer = (rcode: number): CachedAnswer => ({
  type: "answer",
  rcode,
  authoritative: true,
  sections: { bytes: new Uint8Array(), answers: 0, authorities: 0, additionals: 0 },
  stale: false,
});

test("answers are dropped by name, by the group they were built from, or all at once when full", () => {
  const cache = new AnswerCache(3);
  cache.set("a", 1, answer(0), ["ns/web"]);
  cache.set("a", 28, answer(0), ["ns/web"]);
  cache.set("b", 1, answer(0), ["ns/web", "ns/db"]);
  assert.equal(cache.size, 3);
  cache.invalidateGroup("ns/db");
  assert.equal(cache.get("b", 1), undefined);
  assert.ok(cache.get("a", 28));
  cache.invalidate(["a"]);
  assert.equal(cache.size, 0);
  cache.set("c", 1, answer(3), ["ns/web"]);
  cache.invalidateGroup("ns/web");
  assert.equal(cache.get("c", 1), undefined);
  for (const name of ["d", "e", "f", "g"]) cache.set(name, 1, answer(0));
  assert.equal(cache.size, 1, "a full cache starts over");
  assert.ok(cache.get("g", 1));
});
