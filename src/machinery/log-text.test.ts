import assert from "node:assert/strict";
import { test } from "node:test";
import { textLine } from "./log-text.ts";

test("a pino line becomes time, level, component, message and fields", () => {
  const line = JSON.stringify({
    level: 40,
    time: Date.UTC(2026, 0, 2, 3, 4, 5, 678),
    component: "dns",
    upstream: "192.0.2.1:53",
    note: "two words",
    err: { type: "Error", message: "boom", stack: "Error: boom\n at x" },
    msg: "upstream down",
  });
  assert.equal(
    textLine(`${line}\n`),
    '2026-01-02T03:04:05.678Z WARN  dns: upstream down upstream=192.0.2.1:53 note="two words" err="boom"\n',
  );
});

test("a line that is not JSON passes unchanged", () => {
  assert.equal(textLine("plain\n"), "plain\n");
});
