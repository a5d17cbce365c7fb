import assert from "node:assert/strict";
import { test } from "node:test";
import type { DnsPlugin } from "../plugin.ts";
import { inPluginOrder } from "./order.ts";

const p = (name: string): DnsPlugin => ({ name, serve: (req, next) => next(req) });

test("plugins are sorted into the fixed order", () => {
  const sorted = inPluginOrder([p("forward"), p("acl"), p("kubernetes"), p("cache"), p("loop"), p("hosts")]);
  assert.deepEqual(
    sorted.map((x) => x.name),
    ["loop", "kubernetes", "hosts", "acl", "cache", "forward"],
  );
});

test("an unknown or repeated plugin is refused", () => {
  assert.throws(() => inPluginOrder([p("rewrite")]), /unknown dns plugin "rewrite"/);
  assert.throws(() => inPluginOrder([p("cache"), p("cache")]), /given twice/);
});
