/**
 * API server leases, as kube-apiserver's lease endpoint reconciler keeps them (one
 * `masterleases/<ip>` key per server): each server renews its own key every reconcile, and a key
 * not renewed within its time to live counts as a server that has gone. The storage contract has
 * no key TTL, so the renewal time is in the value and whoever reconciles deletes expired keys.
 */
import { formatHostPort } from "../../machinery/host-port.ts";
import type { KeyValue, Storage } from "../../storage/storage.ts";
import type { ApiEndpoint } from "./desired.ts";

/** The key prefix of the leases (beside the IP reservations, in the core group's space). */
export const LEASE_PREFIX = "core/masterleases/";

/** A lease's stored value. */
interface LeaseRecord extends ApiEndpoint {
  /** When it was last renewed (ms since the epoch, the renewing server's clock). */
  renewedAt: number;
  /** How long after renewal it stays live. */
  ttlMs: number;
}

function keyOf(e: ApiEndpoint): string {
  return `${LEASE_PREFIX}${formatHostPort({ host: e.address, port: e.port })}`;
}

function parse(kv: KeyValue): LeaseRecord | undefined {
  try {
    const r = JSON.parse(kv.value) as Partial<LeaseRecord>;
    if (typeof r.address !== "string" || typeof r.port !== "number" || typeof r.renewedAt !== "number")
      return undefined;
    return {
      address: r.address,
      port: r.port,
      scheme: r.scheme === "https" ? "https" : "http",
      renewedAt: r.renewedAt,
      ttlMs: typeof r.ttlMs === "number" ? r.ttlMs : 0,
    };
  } catch {
    return undefined;
  }
}

/** Creates or renews this server's lease. */
export async function renewLease(storage: Storage, self: ApiEndpoint, ttlMs: number, now: number): Promise<void> {
  const key = keyOf(self);
  const value = JSON.stringify({ ...self, renewedAt: now, ttlMs } satisfies LeaseRecord);
  for (let attempt = 0; attempt < 5; attempt++) {
    const current = await storage.get(key);
    const result = current ? await storage.update(key, value, current.modRevision) : await storage.create(key, value);
    if (result.type === "ok") return;
  }
}

/** Deletes this server's lease (on a clean stop), so the others drop it at once. */
export async function dropLease(storage: Storage, self: ApiEndpoint): Promise<void> {
  await storage.delete(keyOf(self));
}

/** The servers whose leases are live at `now`; expired or unreadable leases are deleted. */
export async function liveEndpoints(storage: Storage, now: number): Promise<ApiEndpoint[]> {
  const live: ApiEndpoint[] = [];
  const page = await storage.list(LEASE_PREFIX);
  for (const kv of page.items) {
    const lease = parse(kv);
    if (lease && now <= lease.renewedAt + lease.ttlMs) {
      live.push({ address: lease.address, port: lease.port, scheme: lease.scheme });
    } else {
      // Conditional on the revision read, so a lease renewed meanwhile survives.
      await storage.delete(kv.key, kv.modRevision);
    }
  }
  return live;
}
