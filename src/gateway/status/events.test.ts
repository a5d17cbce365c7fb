import assert from "node:assert/strict";
import { test } from "node:test";
import type { DNSRecord, KubeObject } from "../../api/types.ts";
import type { EventSink } from "../../client/event-recorder.ts";
import type { OwnerOutcome } from "../routes/model.ts";
import type { RecordStatus } from "./desired.ts";
import { outcomeProblems, RouteEvents, recordProblems } from "./events.ts";

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
    const events = new RouteEvents(out);
    for (let pass = 0; pass < 3; pass++) {
      events.observe(rec(1), recordProblems(status(s, reason)));
      events.endPass();
    }
    assert.deepEqual(out.got, [`DNSRecord site Warning ${reason}: ${reason} message`]);
  }
});

test("a served record reports nothing", () => {
  const out = sink();
  const events = new RouteEvents(out);
  events.observe(rec(1), recordProblems(status("True", "Served")));
  assert.deepEqual(out.got, []);
});

test("reported again on a spec change that keeps the problem, on a new message, and when it comes back", () => {
  const out = sink();
  const events = new RouteEvents(out);
  const passes: [number, RecordStatus][] = [
    [1, status("False", "Conflict")],
    [1, status("False", "Conflict")], // another object's change: nothing
    [2, status("False", "Conflict")], // the record changed and still loses
    [2, status("False", "Conflict", "other winner")],
    [3, status("True", "Served")],
    [3, status("False", "Conflict", "other winner")], // back after being served
  ];
  for (const [generation, want] of passes) {
    events.observe(rec(generation), recordProblems(want));
    events.endPass();
  }
  assert.equal(out.got.length, 4);
  assert.deepEqual(
    out.got.map((g) => g.split(": ")[1]),
    ["Conflict message", "Conflict message", "other winner", "other winner"],
  );
});

test("an HTTPRoute or Ingress gets one Conflict per lost host + path, each once until its spec changes", () => {
  const out = sink();
  const events = new RouteEvents(out);
  const route = (generation: number) =>
    ({
      apiVersion: "gateway.networking.k8s.io/v1",
      kind: "HTTPRoute",
      metadata: { name: "late", namespace: "shop", uid: "u2", generation },
    }) as KubeObject;
  const winner = { kind: "Ingress", namespace: "shop", name: "early" } as const;
  const outcome: OwnerOutcome = {
    owner: { kind: "HTTPRoute", namespace: "shop", name: "late" },
    hosts: ["a.test"],
    served: ["/b"],
    lost: [
      { host: "a.test", path: "/", winner },
      { host: "a.test", path: "/x", winner },
    ],
    unavailable: [],
  };
  for (const generation of [1, 1, 2]) {
    events.observe(route(generation), outcomeProblems(outcome));
    events.endPass();
  }
  assert.deepEqual(out.got.slice(0, 2), [
    "HTTPRoute late Warning Conflict: host a.test path / is not served by this HTTPRoute: Ingress shop/early is older and serves it",
    "HTTPRoute late Warning Conflict: host a.test path /x is not served by this HTTPRoute: Ingress shop/early is older and serves it",
  ]);
  assert.equal(out.got.length, 4, "reported again after the spec changed (generation 2)");
});
