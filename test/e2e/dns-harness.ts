/**
 * kdns in-process for DNS end-to-end tests: a memory-store API server, the controllers and DNS
 * (started through `startDns`, as `kdns up` starts it) on free loopback ports, forwarding to a
 * fake upstream the test controls.
 */
import { resourceByPath } from "../../src/api/resources.ts";
import { startApiServer } from "../../src/apiserver/index.ts";
import { PartStack } from "../../src/cli/stack.ts";
import { RestClient } from "../../src/client/rest-client.ts";
import { startControllers } from "../../src/controllers/index.ts";
import { type DnsOptions, type RunningDns, startDns } from "../../src/dns/index.ts";
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
  dns: RunningDns;
  port: number;
  upstream: FakeUpstream;
  close(): Promise<void>;
}

/** Starts API + controllers + DNS; resolves once DNS is ready (synced). */
export async function startDnsHarness(overrides: Partial<DnsOptions> = {}): Promise<DnsHarness> {
  const stack = new PartStack();
  const upstream = await startFakeUpstream();
  stack.push({ name: "upstream", close: () => upstream.close() });
  try {
    const storage = await openStorage({ type: "memory", dataDir: "/nonexistent" });
    stack.push({ name: "storage", close: () => storage.close() });
    const api = await startApiServer({ listen: "127.0.0.1:0", storage });
    stack.push({ name: "api", close: () => api.close() });
    const client = new RestClient({ server: api.url });
    const controllers = await startControllers({ client });
    stack.push({ name: "controllers", close: () => controllers.close() });
    const dns = await startDns({
      source: client,
      listen: { host: "127.0.0.1", port: 0 },
      upstream: [{ host: upstream.host, port: upstream.port }],
      gatewayAddresses: ["127.0.0.1"],
      ...overrides,
    });
    stack.push({ name: "dns", close: () => dns.close() });
    await waitFor(() => dns.ready(), { what: "dns synced" });
    return { client, dns, port: dns.address.port, upstream, close: async () => void (await stack.close()) };
  } catch (err) {
    await stack.close();
    throw err;
  }
}
