import assert from "node:assert/strict";
import { test } from "node:test";
import type { KubeObject } from "../../api/types.ts";
import { OwnWrites } from "./own-writes.ts";

const at = (rv: string): KubeObject => ({
  apiVersion: "v1",
  kind: "Endpoints",
  metadata: { name: "web", resourceVersion: rv },
});

test("a delete of what the controller wrote forgets the write, so the next sync sees nothing and recreates", () => {
  const own = new OwnWrites<KubeObject>();
  own.wrote("default/web", at("5"));
  assert.equal(own.current("default/web", undefined)?.metadata.resourceVersion, "5");
  own.deleted("default/web", at("7"));
  assert.equal(own.current("default/web", undefined), undefined);
});

test("a stale delete event of an earlier incarnation keeps the newer write", () => {
  const own = new OwnWrites<KubeObject>();
  own.wrote("default/web", at("9"));
  own.deleted("default/web", at("7"));
  assert.equal(own.current("default/web", undefined)?.metadata.resourceVersion, "9");
});
