/**
 * kdns in-process for DNS end-to-end tests: a memory-store API server, the controllers and the
 * DNS part (exactly what `kdns up` wires) on free loopback ports, forwarding to a fake upstream
 * the test controls.
 */
import { resourceByPath } from "../../src/api/resources.ts";
import { startApiServer } from "../../src/apiserver/index.ts";
import { startControllerPart } from "../../src/cli/components.ts";
import { type DnsPartConfig, type StartedDns, startDnsPart } from "../../src/cli/parts/dns.ts";
import { DEFAULT_ALLOW_RECURSION } from "../../src/cli/parts/dns-flags.ts";
import { PartStack } from "../../src/cli/stack.ts";
import { RestClient } from "../../src/client/rest-client.ts";
import { openStorage } from "../../src/storage/index.ts";
import { type FakeUpstream, startFakeUpstream } from "../support/fake-upstream.ts";
import { waitFor } from "../support/wait-for.ts";

export const SERVICES = resourceByPath("", "services")!;
export const ENDPOINTS = resourceByPath("", "endpoints")!;
export const PODS = resourceByPath("", "pods")!;
export const NAMESPACES = resourceByPath("", "namespaces")!;
export const DNSRECORDS = resourceByPath("kdns.dev", "dnsrecords")!;

/** A running kdns with its DNS address. */
export interface DnsHarness {
  client: RestClient;
  dns: StartedDns;
  port: number;
  upstream: FakeUpstream;
  close(): Promise<void>;
}

/** Starts API + controllers + DNS; resolves once DNS is ready (synced). */
export async function startDnsHarness(overrides: Partial<DnsPartConfig> = {}): Promise<DnsHarness> {
  const stack = new PartStack();
  const upstream = await startFakeUpstream();
  stack.push({ name: "upstream", close: () => upstream.close() });
  try {
    const storage = await openStorage({ type: "memory", dataDir: "/nonexistent" });
    stack.push({ name: "storage", close: () => storage.close() });
    const api = await startApiServer({ listen: "127.0.0.1:0", storage });
    stack.push({ name: "api", close: () => api.close() });
    const client = new RestClient({ server: api.url });
    await startControllerPart(client, stack, () => undefined);
    const dns = await startDnsPart(
      {
        listen: { host: "127.0.0.1", port: 0 },
        clusterDomain: "cluster.local",
        upstream: [{ host: upstream.host, port: upstream.port }],
        gatewayAddresses: ["127.0.0.1"],
        ttl: 5,
        pods: "verified",
        allowRecursion: DEFAULT_ALLOW_RECURSION.split(","),
        serveStale: 0,
        ...overrides,
      },
      client,
      stack,
      () => undefined,
    );
    await waitFor(() => dns.ready(), { what: "dns synced" });
    return { client, dns, port: dns.address.port, upstream, close: async () => void (await stack.close()) };
  } catch (err) {
    await stack.close();
    throw err;
  }
}
