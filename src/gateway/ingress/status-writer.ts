/**
 * Writes what a pass decided about Ingresses: `status.loadBalancer` where it differs (merge patch
 * on /status). Errors are reported as a false return, so the controller retries with a later pass.
 */
import { resourceByPath } from "../../api/resources.ts";
import type { Ingress } from "../../api/types.ts";
import { ClientError, type RestClient } from "../../client/rest-client.ts";
import type { Logger } from "../../machinery/log.ts";
import { desiredLoadBalancer } from "./status.ts";

const info = resourceByPath("networking.k8s.io", "ingresses")!;

/** Writes the statuses of `ingresses`; `served` says which the gateway serves. */
export async function writeIngressStatuses(
  client: RestClient,
  ingresses: readonly Ingress[],
  served: (ingress: Ingress) => boolean,
  gatewayAddress: string,
  log: Logger,
): Promise<boolean> {
  let ok = true;
  for (const ing of ingresses) {
    const ns = ing.metadata.namespace ?? "default";
    const name = ing.metadata.name ?? "";
    const want = desiredLoadBalancer(ing, served(ing), gatewayAddress);
    if (want === undefined) continue;
    try {
      const loadBalancer = "ingress" in want ? want : { ingress: null };
      await client.patch(info, ns, name, { status: { loadBalancer } }, "application/merge-patch+json", "status");
    } catch (err) {
      if (err instanceof ClientError && err.code === 404) continue;
      ok = false;
      log.warn({ ingress: `${ns}/${name}`, err: String(err) }, "ingress status write failed; will retry");
    }
  }
  return ok;
}
