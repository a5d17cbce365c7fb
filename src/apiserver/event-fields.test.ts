import assert from "node:assert/strict";
import { test } from "node:test";
import type { KubeObject } from "../api/types.ts";
import { ApiError } from "../machinery/status.ts";
import { splitEventSelector } from "./event-fields.ts";

const event = (name: string, reason: string): KubeObject =>
  ({
    apiVersion: "v1",
    kind: "Event",
    metadata: { name: `${name}.1`, namespace: "shop" },
    involvedObject: { kind: "Pod", name, namespace: "shop" },
    reason,
  }) as KubeObject;

test("event terms are matched here, object-meta terms are left for the common selector", () => {
  const split = splitEventSelector("involvedObject.name=web,metadata.namespace=shop,reason!=Pulled");
  assert.equal(split.rest, "metadata.namespace=shop");
  assert.equal(split.matches(event("web", "Started")), true);
  assert.equal(split.matches(event("web", "Pulled")), false);
  assert.equal(split.matches(event("db", "Started")), false);
});

test("event values unescape \\, \\= \\\\ like the common selector, and split only at unescaped commas", () => {
  const split = splitEventSelector("involvedObject.name=a\\,b\\\\,reason=x\\=y");
  assert.equal(split.rest, "");
  assert.equal(split.matches(event("a,b\\", "x=y")), true);
  assert.equal(split.matches(event("a,b", "x=y")), false);
});

test("an unescaped = or an unknown escape in an event value is a 400", () => {
  for (const bad of ["reason=a=b", "involvedObject.name=a\\x"]) {
    assert.throws(
      () => splitEventSelector(bad),
      (e: unknown) => e instanceof ApiError && e.code === 400,
      bad,
    );
  }
});
