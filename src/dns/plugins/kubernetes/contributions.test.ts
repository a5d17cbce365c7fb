import { test } from "node:test";
import assert from "node:assert/strict";
import type { RecordData } from "../../wire/records.ts";
import { contributed, recordLists, withContribution, withoutContribution } from "./contributions.ts";

const a: RecordData[] = [{ type: "PTR", target: "a.ns.svc.cluster.local" }];
const b: RecordData[] = [{ type: "PTR", target: "b.ns.svc.cluster.local" }];

test("one contributor is a plain pair; a second makes a Map; removing goes back to a pair, then nothing", () => {
  const one = withContribution(undefined, "ns/a", a);
  assert.equal(one instanceof Map, false);
  assert.deepEqual(contributed(one, "ns/a"), a);
  assert.equal(contributed(one, "ns/b"), undefined);
  const replaced = withContribution(one, "ns/a", b);
  assert.deepEqual([...recordLists(replaced)], [b]);
  const two = withContribution(one, "ns/b", b);
  assert.ok(two instanceof Map);
  assert.deepEqual([...recordLists(two)], [a, b]);
  const back = withoutContribution(two, "ns/a");
  assert.ok(back !== undefined && !(back instanceof Map));
  assert.deepEqual(contributed(back, "ns/b"), b);
  assert.equal(withoutContribution(back, "ns/x"), back, "removing a stranger changes nothing");
  assert.equal(withoutContribution(back, "ns/b"), undefined);
});
