/**
 * What the gateway says about an Ingress (pure): `status.loadBalancer.ingress[0].ip` is the
 * gateway address for an Ingress it serves, as ingress controllers publish theirs; an Ingress it
 * no longer serves loses that entry only when it is still kdns's address (another controller may
 * own it now). Conflicts and certificates it cannot serve become Warning Events (an Ingress
 * status has no conditions), one per distinct message.
 */
import type { Ingress } from "../../api/types.ts";
import { type OwnerOutcome, ownerName } from "../routes/model.ts";

/** The loadBalancer status an Ingress should carry, or undefined when it should be left alone. */
export function desiredLoadBalancer(
  ingress: Ingress,
  served: boolean,
  gatewayAddress: string,
): { ingress: { ip: string }[] } | Record<string, never> | undefined {
  const current = ingress.status?.loadBalancer?.ingress ?? [];
  if (served) {
    if (current.length === 1 && current[0]?.ip === gatewayAddress && current[0].hostname === undefined)
      return undefined;
    return { ingress: [{ ip: gatewayAddress }] };
  }
  return current.some((i) => i.ip === gatewayAddress) ? {} : undefined;
}

/** One Event to record about an Ingress. */
export interface IngressEvent {
  reason: "HostPathConflict" | "InvalidCertificate" | "Invalid";
  message: string;
}

/** The Warning Events an Ingress's outcome calls for. */
export function ingressEvents(outcome: OwnerOutcome): IngressEvent[] {
  const out: IngressEvent[] = [];
  if (outcome.invalid !== undefined) out.push({ reason: "Invalid", message: `not routed: ${outcome.invalid}` });
  if (outcome.invalidCertificate !== undefined)
    out.push({
      reason: "InvalidCertificate",
      message: `not served, neither over HTTPS nor HTTP: ${outcome.invalidCertificate}`,
    });
  for (const l of outcome.lost)
    out.push({
      reason: "HostPathConflict",
      message: `host ${l.host} path ${l.path} is not served by this Ingress: ${ownerName(l.winner)} is older and serves it`,
    });
  return out;
}
