/**
 * The `status` a DNSRecord should carry, from the model's outcome and the engine's last apply
 * (pure). One condition, `Served`, as Kubernetes conditions go: status True/False, a CamelCase
 * reason, a message a person can act on.
 */
import type { DNSRecord } from "../../api/types.ts";
import { type OwnerOutcome, ownerKey, ownerName, type RouteOwner } from "../routes/model.ts";

/** The status block the gateway writes. */
export type RecordStatus = NonNullable<DNSRecord["status"]>;
type Condition = NonNullable<RecordStatus["conditions"]>[number];

/** Context of the gateway that writes statuses. */
export interface StatusContext {
  /** The IP DNSRecord hosts resolve to (`--gateway-address`). */
  gatewayAddress: string;
  /** `nginx` or `builtin`, and where it listens (plain HTTP, and HTTPS when it does), for messages. */
  engine: string;
  listen: string;
  tlsListen?: string;
  /** Set when the engine rejected the configuration containing this record's current spec. */
  rejected?: string;
}

/** How a DNSRecord's status names another owner: a record by `namespace/name`, another kind with its kind. */
export function describeOwner(owner: RouteOwner): string {
  return owner.kind === "DNSRecord" ? ownerKey(owner) : ownerName(owner);
}

function served(outcome: OwnerOutcome, ctx: StatusContext): Condition {
  const notes: string[] = [];
  for (const l of outcome.lost)
    notes.push(`path ${l.path} is not served: ${describeOwner(l.winner)} is older and claims the same host and path`);
  for (const u of outcome.unavailable) notes.push(`path ${u.path}: ${u.reason}`);
  if (outcome.https) notes.push(outcome.https.note);
  const https = outcome.https?.served && ctx.tlsListen !== undefined ? ` and ${ctx.tlsListen} (HTTPS)` : "";
  const where = `served by the ${ctx.engine} gateway at ${ctx.listen}${https}`;
  const reason =
    outcome.lost.length > 0 ? "PartiallyServed" : outcome.unavailable.length > 0 ? "BackendsUnavailable" : "Served";
  return { type: "Served", status: "True", reason, message: [where, ...notes].join("; ") };
}

/** The desired status of one record (without lastTransitionTime; see {@link withTransitionTime}). */
export function desiredStatus(outcome: OwnerOutcome, ctx: StatusContext): RecordStatus {
  let condition: Condition;
  if (outcome.invalid !== undefined) {
    condition = { type: "Served", status: "False", reason: "Invalid", message: `not routed: ${outcome.invalid}` };
  } else if (outcome.invalidCertificate !== undefined) {
    condition = {
      type: "Served",
      status: "False",
      reason: "InvalidCertificate",
      message: `not served, neither over HTTPS nor HTTP: ${outcome.invalidCertificate}`,
    };
  } else if (ctx.rejected !== undefined) {
    condition = {
      type: "Served",
      status: "False",
      reason: "ConfigRejected",
      message: `the gateway rejected the configuration with this record; the previous one keeps serving: ${ctx.rejected}`,
    };
  } else if (outcome.served.length === 0) {
    const l = outcome.lost[0];
    const message = l
      ? `not served: ${describeOwner(l.winner)} is older and claims host ${l.host} path ${l.path}`
      : "not served: no paths";
    condition = { type: "Served", status: "False", reason: "Conflict", message };
  } else {
    return { gatewayAddress: ctx.gatewayAddress, conditions: [served(outcome, ctx)] };
  }
  return { conditions: [condition] };
}

function sameCondition(a: Condition | undefined, b: Condition | undefined): boolean {
  return a?.type === b?.type && a?.status === b?.status && a?.reason === b?.reason && a?.message === b?.message;
}

/** Whether the stored status already says what `want` says (transition times aside). */
export function statusEqual(current: DNSRecord["status"], want: RecordStatus): boolean {
  const cc = current?.conditions ?? [];
  const wc = want.conditions ?? [];
  return (
    current?.gatewayAddress === want.gatewayAddress &&
    cc.length === wc.length &&
    cc.every((c, i) => sameCondition(c, wc[i]))
  );
}

/** `want` with lastTransitionTime kept from `current` where the condition's status did not change. */
export function withTransitionTime(current: DNSRecord["status"], want: RecordStatus, now: Date): RecordStatus {
  const conditions = (want.conditions ?? []).map((c) => {
    const old = current?.conditions?.find((o) => o.type === c.type);
    const time =
      old && old.status === c.status && old.lastTransitionTime
        ? old.lastTransitionTime
        : now.toISOString().replace(/\.\d{3}Z$/, "Z");
    return { ...c, lastTransitionTime: time };
  });
  return { ...want, conditions };
}
