import assert from "node:assert/strict";
import { test } from "node:test";
import { WeightedPick } from "./weighted-pick.ts";

test("picks in exact proportion over every window of the weights' sum, never a zero weight", () => {
  const pick = new WeightedPick([70, 30, 0]);
  for (let window = 0; window < 3; window++) {
    const counts = [0, 0, 0];
    for (let i = 0; i < 100; i++) counts[pick.next()]!++;
    assert.deepEqual(counts, [70, 30, 0]);
  }
});

test("peek names the index next returns, and does not move the scores", () => {
  const pick = new WeightedPick([5, 1, 1]);
  for (let i = 0; i < 20; i++) {
    const seen = pick.peek();
    assert.equal(pick.peek(), seen);
    assert.equal(pick.next(), seen);
  }
  assert.equal(new WeightedPick([0, 0]).peek(), -1);
  assert.equal(new WeightedPick([0, 3]).next(), 1);
});
