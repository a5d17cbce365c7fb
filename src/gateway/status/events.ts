/**
 * Warning Events on the route owners (DNSRecord, Ingress, HTTPRoute) the gateway cannot serve as
 * asked, written through the shared {@link EventSink} (client-go's recorder), so `kubectl describe`
 * of any route kind says why: a host + match lost to an older owner (`Conflict`, or
 * `PartiallyServed` on a record that keeps other paths), a TLS Secret it cannot serve
 * (`InvalidCertificate`), a spec it cannot route (`Invalid`), and on DNSRecords a configuration the
 * engine rejected (`ConfigRejected`) and backends it cannot reach (`BackendsUnavailable`). A
 * DNSRecord's Event says what its `Served` condition says; an Ingress or HTTPRoute has no such
 * condition, so each problem of its outcome is one Event.
 *
 * A problem is reported when it is first seen and again each time the owner's spec changes (its
 * generation) and the problem stays, so the recorder's count says how often someone tried; passes
 * caused by other objects, or by the gateway's own status writes, report nothing.
 */
import type { KubeObject } from "../../api/types.ts";
import type { EventSink } from "../../client/event-recorder.ts";
import { type OwnerOutcome, ownerName } from "../routes/model.ts";
import type { RecordStatus } from "./desired.ts";

/** One Warning to report about an owner. */
export interface RouteProblem {
  reason: string;
  message: string;
}

/** Condition reasons that are a problem even though the record is (partly) served. */
const DEGRADED = new Set(["PartiallyServed", "BackendsUnavailable"]);

/** The problem a DNSRecord's desired status states, if any. */
export function recordProblems(want: RecordStatus): RouteProblem[] {
  const c = want.conditions?.[0];
  if (!c || (c.status === "True" && !DEGRADED.has(c.reason ?? ""))) return [];
  return [{ reason: c.reason ?? "NotServed", message: c.message ?? "" }];
}

/** The problems of an Ingress's or HTTPRoute's outcome, one per lost host + path. */
export function outcomeProblems(outcome: OwnerOutcome): RouteProblem[] {
  const out: RouteProblem[] = [];
  if (outcome.invalid !== undefined) out.push({ reason: "Invalid", message: `not routed: ${outcome.invalid}` });
  if (outcome.invalidCertificate !== undefined)
    out.push({
      reason: "InvalidCertificate",
      message: `not served, neither over HTTPS nor HTTP: ${outcome.invalidCertificate}`,
    });
  for (const l of outcome.lost)
    out.push({
      reason: "Conflict",
      message: `host ${l.host} path ${l.path} is not served by this ${outcome.owner.kind}: ${ownerName(l.winner)} is older and serves it`,
    });
  return out;
}

/** Remembers what was reported per owner, and reports what is new. */
export class RouteEvents {
  readonly #sink: EventSink;
  /** `uid generation reason message` of every problem reported and still present. */
  #reported = new Set<string>();
  #seen = new Set<string>();

  constructor(sink: EventSink) {
    this.#sink = sink;
  }

  /** Notes the problems a pass found for `object`; reports those not yet reported. */
  observe(object: KubeObject, problems: readonly RouteProblem[]): void {
    const meta = object.metadata;
    const uid = meta.uid ?? `${object.kind} ${meta.namespace}/${meta.name}`;
    for (const p of problems) {
      const key = `${uid}\n${meta.generation ?? 0}\n${p.reason}\n${p.message}`;
      this.#seen.add(key);
      if (this.#reported.has(key)) continue;
      this.#sink.event(
        {
          apiVersion: object.apiVersion,
          kind: object.kind,
          ...(meta.namespace !== undefined ? { namespace: meta.namespace } : {}),
          name: meta.name ?? "",
          ...(meta.uid !== undefined ? { uid: meta.uid } : {}),
        },
        "Warning",
        p.reason,
        p.message,
      );
    }
  }

  /** Ends a pass: problems not seen in it (solved, or their owner deleted) are forgotten. */
  endPass(): void {
    this.#reported = this.#seen;
    this.#seen = new Set();
  }
}
