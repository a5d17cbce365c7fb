/**
 * The endpoints behind a DNS explanation, in full: DNS keeps only ready addresses and their
 * hostnames (all it answers with), so for the Endpoints objects an explanation names, the console
 * adds each address's pod and readiness, read through the API.
 */
import { resourceByPath } from "../../api/resources.ts";
import type { Endpoints } from "../../api/types.ts";
import type { RestClient } from "../../client/rest-client.ts";
import type { DnsExplainResult } from "../../dns/index.ts";

/** One endpoint address with its pod and readiness. */
export interface EndpointDetail {
  endpoints: string;
  ip: string;
  hostname?: string;
  pod?: string;
  ready: boolean;
}

/** The addresses of every `Endpoints ns/name` the explanation's notes name. */
export async function endpointDetails(client: RestClient, e: DnsExplainResult): Promise<EndpointDetail[]> {
  const info = resourceByPath("", "endpoints");
  if (!info) return [];
  const named = new Set(
    e.plugins
      .flatMap((n) => n.objects ?? [])
      .filter((o) => o.startsWith("Endpoints "))
      .map((o) => o.slice(10)),
  );
  const out: EndpointDetail[] = [];
  for (const key of named) {
    const [namespace = "", name = ""] = key.split("/");
    const eps = await client.get<Endpoints>(info, namespace, name).catch(() => undefined);
    for (const s of eps?.subsets ?? []) {
      for (const [list, ready] of [
        [s.addresses ?? [], true],
        [s.notReadyAddresses ?? [], false],
      ] as const) {
        for (const a of list)
          out.push({
            endpoints: key,
            ip: a.ip,
            ...(a.hostname ? { hostname: a.hostname } : {}),
            ...(a.targetRef?.kind === "Pod" && a.targetRef.name ? { pod: a.targetRef.name } : {}),
            ready,
          });
      }
    }
  }
  return out;
}
