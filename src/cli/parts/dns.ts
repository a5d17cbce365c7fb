/** The DNS part (`kdns up`, `kdns dns`): {@link startDns} pushed on the stack with its start-up line. */
import { EventRecorder } from "../../client/event-recorder.ts";
import type { RestClient } from "../../client/rest-client.ts";
import { DNS_DEFAULTS, type DnsOptions, type RunningDns, startDns } from "../../dns/index.ts";
import { formatHostPort } from "../../machinery/host-port.ts";
import type { PartStack } from "../stack.ts";
import type { Say } from "./types.ts";

/** Starts DNS; its one start-up line names the address and the zone. */
export async function startDnsPart(options: DnsOptions, stack: PartStack, say: Say): Promise<RunningDns> {
  const dns = await startDns(options);
  stack.push({ name: "dns server", close: () => dns.close() });
  say(
    `kdns: dns server listening on ${formatHostPort(dns.address)} (udp, tcp) for ${options.clusterDomain ?? DNS_DEFAULTS.clusterDomain}`,
  );
  return dns;
}

/** The DNS server's Event recorder; pushed before DNS, so it writes what DNS reported as it stopped. */
export function startDnsEvents(client: RestClient, stack: PartStack): EventRecorder {
  const events = new EventRecorder({ client, component: "kdns-dns" });
  stack.push({ name: "dns events", close: () => events.close() });
  return events;
}
