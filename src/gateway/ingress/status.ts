/**
 * What the gateway says about an Ingress (pure): `status.loadBalancer.ingress[0].ip` is the
 * gateway address for an Ingress it serves, as ingress controllers publish theirs; an Ingress it
 * no longer serves loses that entry only when it is still kdns's address (another controller may
 * own it now). Conflicts and certificates it cannot serve become Warning Events (an Ingress
 * status has no conditions; status/events.ts).
 */
import type { Ingress } from "../../api/types.ts";

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
