import assert from "node:assert/strict";
import { test } from "node:test";
import { ApiError } from "../machinery/status.ts";
import { deleteOptionsOf } from "./delete-options.ts";

const q = (s = ""): URLSearchParams => new URLSearchParams(s);

test("DeleteOptions come from the body (kubectl) or the query (other clients)", () => {
  assert.deepEqual(
    deleteOptionsOf(
      { propagationPolicy: "Foreground", gracePeriodSeconds: 5, preconditions: { uid: "u", resourceVersion: "7" } },
      q(),
    ),
    {
      preconditions: { uid: "u", resourceVersion: "7" },
      propagationPolicy: "Foreground",
      gracePeriodSeconds: 5,
      dryRun: false,
    },
  );
  assert.deepEqual(deleteOptionsOf(undefined, q("propagationPolicy=Orphan&gracePeriodSeconds=0&dryRun=All")), {
    preconditions: {},
    propagationPolicy: "Orphan",
    gracePeriodSeconds: 0,
    dryRun: true,
  });
  assert.equal(deleteOptionsOf({ orphanDependents: true }, q()).propagationPolicy, "Orphan", "the legacy flag");
  assert.equal(deleteOptionsOf({ gracePeriodSeconds: -1 }, q()).gracePeriodSeconds, 1);
});

test("bad DeleteOptions are 422 (or 400 for a body that is not one) naming the value", () => {
  const code = (f: () => unknown): [number, string] => {
    try {
      f();
    } catch (err) {
      if (err instanceof ApiError) return [err.code, err.message];
    }
    return [0, ""];
  };
  const [c1, m1] = code(() => deleteOptionsOf({ propagationPolicy: "Sometimes" }, q()));
  assert.equal(c1, 422);
  assert.match(m1, /Unsupported value: "Sometimes": supported values: "Foreground", "Background", "Orphan"/);
  assert.match(code(() => deleteOptionsOf(undefined, q("dryRun=Some")))[1], /Unsupported value: "Some"/);
  assert.equal(code(() => deleteOptionsOf(undefined, q("gracePeriodSeconds=soon")))[0], 400);
  assert.equal(code(() => deleteOptionsOf([], q()))[0], 400);
  assert.equal(code(() => deleteOptionsOf({ orphanDependents: false, propagationPolicy: "Orphan" }, q()))[0], 422);
});
