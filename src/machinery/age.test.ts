import assert from "node:assert/strict";
import { test } from "node:test";
import { age, humanDuration } from "./age.ts";

test("humanDuration matches kubectl's boundaries", () => {
  const s = 1000,
    m = 60 * s,
    h = 60 * m,
    d = 24 * h;
  const cases: [number, string][] = [
    [-5 * s, "<invalid>"],
    [-500, "0s"],
    [0, "0s"],
    [5 * s, "5s"],
    [119 * s, "119s"],
    [2 * m, "2m"],
    [3 * m + 20 * s, "3m20s"],
    [10 * m + 5 * s, "10m"],
    [179 * m, "179m"],
    [3 * h, "3h"],
    [3 * h + 15 * m, "3h15m"],
    [8 * h, "8h"],
    [47 * h, "47h"],
    [2 * d, "2d"],
    [2 * d + 5 * h, "2d5h"],
    [8 * d, "8d"],
    [400 * d, "400d"],
    [730 * d, "2y"],
    [800 * d, "2y70d"],
    [9 * 365 * d, "9y"],
  ];
  for (const [ms, want] of cases) assert.equal(humanDuration(ms), want, `for ${ms} ms`);
});

test("age reads RFC 3339 timestamps and tolerates their absence", () => {
  const now = Date.parse("2024-01-01T00:05:00Z");
  assert.equal(age("2024-01-01T00:00:00Z", now), "5m");
  assert.equal(age(undefined, now), "<unknown>");
  assert.equal(age("garbage", now), "<unknown>");
});
