/**
 * Writes what a pass decided about Ingresses: `status.loadBalancer` where it differs (merge patch
 * on /status) and the Warning Events of their outcomes. Errors are reported as a false return, so
 * the controller retries with a later pass.
 */
import { resourceByPath } from "../../api/resources.ts";
import type { Ingress } from "../../api/types.ts";
import { ClientError, type RestClient } from "../../client/rest-client.ts";
import type { Logger } from "../../machinery/log.ts";
import type { OwnerOutcome } from "../routes/model.ts";
import type { IngressEventSink } from "./events.ts";
import { desiredLoadBalancer, ingressEvents } from "./status.ts";

/** Writes statuses and events of `ingresses`; `served` says which the gateway serves. */
export async function writeIngressStatuses(
  client: RestClient,
  ingresses: readonly Ingress[],
  served: (ingress: Ingress) => boolean,
  outcomes: readonly OwnerOutcome[],
  gatewayAddress: string,
  events: IngressEventSink,
  log: Logger,
): Promise<boolean> {
  const info = resourceByPath("networking.k8s.io", "ingresses")!;
  const byKey = new Map(
    outcomes.filter((o) => o.owner.kind === "Ingress").map((o) => [`${o.owner.namespace}/${o.owner.name}`, o]),
  );
  let ok = true;
  for (const ing of ingresses) {
    const ns = ing.metadata.namespace ?? "default";
    const name = ing.metadata.name ?? "";
    const isServed = served(ing);
    const want = desiredLoadBalancer(ing, isServed, gatewayAddress);
    try {
      if (want !== undefined) {
        const loadBalancer = "ingress" in want ? want : { ingress: null };
        await client.patch(info, ns, name, { status: { loadBalancer } }, "application/merge-patch+json", "status");
      }
      const outcome = byKey.get(`${ns}/${name}`);
      if (isServed && outcome) await events.record(ing, ingressEvents(outcome));
    } catch (err) {
      if (err instanceof ClientError && err.code === 404) continue;
      ok = false;
      log.warn({ ingress: `${ns}/${name}`, err: String(err) }, "ingress status write failed; will retry");
    }
  }
  return ok;
}
