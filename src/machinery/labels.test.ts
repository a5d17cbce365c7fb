import assert from "node:assert/strict";
import { test } from "node:test";
import { formatLabelSelector, isEverything, matchesLabels, parseLabelSelector, selectorFromMap } from "./labels.ts";
import { ApiError } from "./status.ts";

const L = { app: "web", tier: "front", env: "" };

test("matches the Kubernetes selector syntax", () => {
  const cases: [string, Record<string, string> | undefined, boolean][] = [
    ["", L, true],
    ["", undefined, true],
    ["app=web", L, true],
    ["app==web", L, true],
    ["app=db", L, false],
    ["app!=db", L, true],
    ["app!=web", L, false],
    ["missing!=x", L, true],
    ["app in (web,db)", L, true],
    ["app in (db)", L, false],
    ["app notin (db)", L, true],
    ["app notin (db, web)", L, false],
    ["missing notin (x)", L, true],
    ["app", L, true],
    ["missing", L, false],
    ["!missing", L, true],
    ["!app", L, false],
    ["app=web,tier=front", L, true],
    ["app=web,tier=back", L, false],
    ["app=web, !missing, tier in (front)", L, true],
    ["env=", L, true],
    ["env", L, true],
    ["example.com/role=x", { "example.com/role": "x" }, true],
    ["app=web", undefined, false],
    ["!app", undefined, true],
    ["toString", {}, false],
  ];
  for (const [text, labels, want] of cases) {
    assert.equal(matchesLabels(parseLabelSelector(text), labels), want, `${text} on ${JSON.stringify(labels)}`);
  }
});

test("bad syntax is a 400 BadRequest", () => {
  const bad = [
    "app=web,",
    ",app",
    "app in web",
    "app in ()",
    "app in (a",
    "app in (a b)",
    "=web",
    "!",
    "app=web tier=x",
    "bad key!=x",
    "app=-web-",
    "a/b/c=x",
    "app=(x)",
  ];
  for (const text of bad) {
    assert.throws(
      () => parseLabelSelector(text),
      (e: unknown) => e instanceof ApiError && e.code === 400 && e.status.reason === "BadRequest",
      text,
    );
  }
});

test("selectorFromMap matches the labels that carry every pair", () => {
  const sel = selectorFromMap({ app: "web", tier: "front" });
  assert.equal(matchesLabels(sel, L), true);
  assert.equal(matchesLabels(sel, { app: "web" }), false);
  assert.equal(isEverything(selectorFromMap({})), true);
  assert.equal(formatLabelSelector(sel), "app=web,tier=front");
});

test("formatLabelSelector round-trips", () => {
  for (const text of ["app=web", "a in (x,y),!b,c,d!=e,f notin (g,h)"]) {
    const sel = parseLabelSelector(text);
    assert.deepEqual(parseLabelSelector(formatLabelSelector(sel)), sel);
  }
});
