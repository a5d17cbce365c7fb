/**
 * Publishes every served DNSRecord host into etcd in SkyDNS format, so a CoreDNS with the etcd
 * plugin pointed at the same etcd answers the same names: what `etcdctl put /dns/com/node1
 * '{"host":…}'` would do by hand for each host, kept in step with the DNSRecords. Keys it writes are remembered; at start
 * it adopts keys under the prefix whose value is exactly its own `{"host":<gateway address>}`, so
 * a record deleted while kdns was down is cleaned up, and hand-written keys pointing elsewhere
 * are left alone.
 */
import { noop } from "cockatiel";
import { Etcd3 } from "etcd3";
import { logger } from "../../machinery/log.ts";
import { desiredSkydns, skydnsValue } from "./keys.ts";

/** Options of {@link startSkydnsPublisher}. */
export interface SkydnsOptions {
  endpoints: string[];
  /** Key prefix (default `/skydns`, CoreDNS's default `path`). */
  prefix: string;
  /** The IP published for every host. */
  address: string;
}

/** A running publisher. */
export interface SkydnsPublisher {
  /** Makes etcd hold exactly `hosts` (of this publisher). Failures throw; the caller retries. */
  sync(hosts: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

/** Connects and adopts existing keys. */
export async function startSkydnsPublisher(options: SkydnsOptions): Promise<SkydnsPublisher> {
  const log = logger("gateway-skydns");
  const client = new Etcd3({ hosts: options.endpoints, faultHandling: { host: () => noop, global: noop } });
  const prefix = options.prefix.replace(/\/+$/, "");
  const own = skydnsValue(options.address);
  const published = new Map<string, string>();
  try {
    const existing = await client.getAll().prefix(`${prefix}/`).strings();
    for (const [key, value] of Object.entries(existing)) if (value === own) published.set(key, value);
  } catch (err) {
    client.close();
    throw new Error(
      `cannot reach etcd at ${options.endpoints.join(",")} for SkyDNS publishing: ${(err as Error).message}`,
    );
  }

  return {
    async sync(hosts) {
      const want = desiredSkydns(prefix, hosts, options.address);
      for (const [key, value] of want) {
        if (published.get(key) === value) continue;
        await client.put(key).value(value);
        published.set(key, value);
        log.debug({ key, value }, "published");
      }
      for (const key of [...published.keys()]) {
        if (want.has(key)) continue;
        await client.delete().key(key);
        published.delete(key);
        log.debug({ key }, "unpublished");
      }
    },
    async close() {
      client.close();
    },
  };
}
