/**
 * Warning Events on DNSRecords the gateway cannot serve as asked: a host/path conflict lost
 * (`Conflict`, `PartiallyServed`), a configuration the engine rejected (`ConfigRejected`), a TLS
 * Secret it cannot serve (`InvalidCertificate`), backends it cannot reach (`BackendsUnavailable`:
 * no such Service, no ready endpoints) or a spec it cannot route (`Invalid`). The Event says what
 * the record's `Served` condition says, with the condition's reason.
 *
 * A record's problem is reported when it is first seen and again each time the record's spec
 * changes (its generation) and the problem stays, so the recorder's count says how often someone
 * tried; passes caused by other objects, or by the gateway's own status writes, report nothing.
 */
import type { DNSRecord } from "../../api/types.ts";
import type { EventSink } from "../../client/event-recorder.ts";
import type { RecordStatus } from "./desired.ts";

/** Condition reasons that are a problem even though the record is (partly) served. */
const DEGRADED = new Set(["PartiallyServed", "BackendsUnavailable"]);

/** Remembers what was reported per record, and reports what is new. */
export class RecordEvents {
  readonly #sink: EventSink;
  /** uid → the generation and condition last reported. */
  #reported = new Map<string, string>();
  #seen = new Map<string, string>();

  constructor(sink: EventSink) {
    this.#sink = sink;
  }

  /** Notes the status a pass wants for `record`; reports it when it is a problem not yet reported. */
  observe(record: DNSRecord, want: RecordStatus): void {
    const uid = record.metadata.uid ?? `${record.metadata.namespace}/${record.metadata.name}`;
    const c = want.conditions?.[0];
    if (!c || (c.status === "True" && !DEGRADED.has(c.reason ?? ""))) return;
    const what = `${record.metadata.generation ?? 0}\n${c.reason}\n${c.message}`;
    this.#seen.set(uid, what);
    if (this.#reported.get(uid) === what) return;
    this.#sink.event(
      {
        apiVersion: "kdns.dev/v1",
        kind: "DNSRecord",
        ...(record.metadata.namespace !== undefined ? { namespace: record.metadata.namespace } : {}),
        name: record.metadata.name ?? "",
        ...(record.metadata.uid !== undefined ? { uid: record.metadata.uid } : {}),
      },
      "Warning",
      c.reason ?? "NotServed",
      c.message ?? "",
    );
  }

  /** Ends a pass: records without a problem in it (served again, or deleted) are forgotten. */
  endPass(): void {
    this.#reported = this.#seen;
    this.#seen = new Map();
  }
}
