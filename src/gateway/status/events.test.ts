import assert from "node:assert/strict";
import { test } from "node:test";
import type { DNSRecord } from "../../api/types.ts";
import type { EventSink } from "../../client/event-recorder.ts";
import type { RecordStatus } from "./desired.ts";
import { RecordEvents } from "./events.ts";

function sink(): EventSink & { got: string[] } {
  const got: string[] = [];
  return {
    got,
    event: (o, type, reason, message) => void got.push(`${o.kind} ${o.name} ${type} ${reason}: ${message}`),
  };
}

function rec(generation: number): DNSRecord {
  return {
    apiVersion: "kdns.dev/v1",
    kind: "DNSRecord",
    metadata: { name: "site", namespace: "shop", uid: "u1", generation },
    spec: { host: "a.test", paths: [] },
  } as DNSRecord;
}

const status = (s: "True" | "False", reason: string, message = `${reason} message`): RecordStatus => ({
  conditions: [{ type: "Served", status: s, reason, message }],
});

test("each problem reason is reported once as a Warning with the condition's reason and message", () => {
  for (const [s, reason] of [
    ["False", "Conflict"],
    ["False", "ConfigRejected"],
    ["False", "InvalidCertificate"],
    ["False", "Invalid"],
    ["True", "PartiallyServed"],
    ["True", "BackendsUnavailable"],
  ] as const) {
    const out = sink();
    const events = new RecordEvents(out);
    for (let pass = 0; pass < 3; pass++) {
      events.observe(rec(1), status(s, reason));
      events.endPass();
    }
    assert.deepEqual(out.got, [`DNSRecord site Warning ${reason}: ${reason} message`]);
  }
});

test("a served record reports nothing", () => {
  const out = sink();
  const events = new RecordEvents(out);
  events.observe(rec(1), status("True", "Served"));
  assert.deepEqual(out.got, []);
});

test("reported again on a spec change that keeps the problem, on a new message, and when it comes back", () => {
  const out = sink();
  const events = new RecordEvents(out);
  const passes: [number, RecordStatus][] = [
    [1, status("False", "Conflict")],
    [1, status("False", "Conflict")], // another object's change: nothing
    [2, status("False", "Conflict")], // the record changed and still loses
    [2, status("False", "Conflict", "other winner")],
    [3, status("True", "Served")],
    [3, status("False", "Conflict", "other winner")], // back after being served
  ];
  for (const [generation, want] of passes) {
    events.observe(rec(generation), want);
    events.endPass();
  }
  assert.equal(out.got.length, 4);
  assert.deepEqual(
    out.got.map((g) => g.split(": ")[1]),
    ["Conflict message", "Conflict message", "other winner", "other winner"],
  );
});
