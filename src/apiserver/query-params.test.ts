import assert from "node:assert/strict";
import { test } from "node:test";
import { checkListOptions } from "./list-options.ts";
import { boolParam, intParam, prettyParam } from "./query-params.ts";

const q = (text: string): URLSearchParams => new URLSearchParams(text);

test("boolean parameters in Go's ParseBool forms; anything else is a 400 naming the value", () => {
  for (const text of ["true", "True", "TRUE", "1", "t", "T"])
    assert.equal(boolParam(q(`watch=${text}`), "watch"), true, text);
  for (const text of ["false", "False", "FALSE", "0", "f", "F"])
    assert.equal(boolParam(q(`watch=${text}`), "watch"), false, text);
  assert.equal(boolParam(q("limit=1"), "watch"), undefined);
  for (const text of ["yes", "", "tRuE", "2"])
    assert.throws(
      () => boolParam(q(`watch=${text}`), "watch"),
      new RegExp(`invalid watch: "${text}" is not a boolean`),
    );
});

test("pretty takes the same forms", () => {
  for (const text of ["1", "t", "T", "true", "TRUE", "True"]) assert.equal(prettyParam(q(`pretty=${text}`)), true);
  for (const text of ["0", "false"]) assert.equal(prettyParam(q(`pretty=${text}`)), false);
  assert.equal(prettyParam(q("")), false);
  assert.throws(() => prettyParam(q("pretty=yes")), /invalid pretty: "yes"/);
});

test("integer parameters: absent or empty is undefined, anything but digits is a 400 naming the value", () => {
  assert.equal(intParam(q("limit=5"), "limit"), 5);
  assert.equal(intParam(q("limit="), "limit"), undefined);
  assert.throws(() => intParam(q("limit=-1"), "limit"), /invalid limit: "-1" is not a non-negative integer/);
});

test("sendInitialEvents is for watches with resourceVersionMatch=NotOlderThan, as kube-apiserver checks", () => {
  assert.doesNotThrow(() => checkListOptions(q("sendInitialEvents=true&resourceVersionMatch=NotOlderThan"), true));
  assert.doesNotThrow(() => checkListOptions(q("resourceVersionMatch=Exact&resourceVersion=5"), false));
  assert.throws(
    () => checkListOptions(q("sendInitialEvents=true"), false),
    /^ApiError: ListOptions\.meta\.k8s\.io "" is invalid: sendInitialEvents: Forbidden: sendInitialEvents is forbidden for list$/,
  );
  assert.throws(
    () => checkListOptions(q("sendInitialEvents=true"), true),
    /resourceVersionMatch: Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan/,
  );
  assert.throws(
    () => checkListOptions(q("resourceVersionMatch=Exact"), true),
    /resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided, resourceVersionMatch: Unsupported value: "Exact"/,
  );
});
