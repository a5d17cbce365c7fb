/**
 * Startup repair of IP reservations, like kube-apiserver's service IP repair loop: drops
 * reservations whose Service is gone (or holds another IP), adds missing ones for existing
 * Services, so allocation is consistent after a crash between the two writes of a create.
 */
import type { Service } from "../../api/types.ts";
import type { KeyValue, Storage } from "../../storage/storage.ts";
import { type ClusterIpAllocator, IP_ALLOCATION_PREFIX, type IpOwner } from "./allocator.ts";
import { offsetInRange } from "./cidr.ts";

/** What a repair changed. */
export interface RepairReport {
  dropped: string[];
  added: string[];
}

async function listAll(storage: Storage, prefix: string): Promise<KeyValue[]> {
  const out: KeyValue[] = [];
  let startAfter: string | undefined;
  for (;;) {
    const page = await storage.list(prefix, { limit: 1000, ...(startAfter !== undefined ? { startAfter } : {}) });
    out.push(...page.items);
    if (!page.more || page.items.length === 0) return out;
    startAfter = page.items[page.items.length - 1]?.key;
  }
}

/** Brings reservations in line with the stored Services (key prefix `core/services/`). */
export async function repairClusterIps(storage: Storage, allocator: ClusterIpAllocator): Promise<RepairReport> {
  const report: RepairReport = { dropped: [], added: [] };
  const byIp = new Map<string, IpOwner>();
  for (const kv of await listAll(storage, "core/services/")) {
    const svc = JSON.parse(kv.value) as Service;
    const ip = svc.spec?.clusterIP;
    if (!ip || ip === "None" || offsetInRange(allocator.range, ip) === undefined) continue;
    byIp.set(ip, { namespace: svc.metadata.namespace ?? "", name: svc.metadata.name ?? "" });
  }
  for (const kv of await listAll(storage, IP_ALLOCATION_PREFIX)) {
    const ip = kv.key.slice(IP_ALLOCATION_PREFIX.length);
    const owner = byIp.get(ip);
    let held: IpOwner | undefined;
    try {
      held = JSON.parse(kv.value) as IpOwner;
    } catch {
      held = undefined;
    }
    if (owner && held?.namespace === owner.namespace && held.name === owner.name) {
      allocator.noteUsed(ip);
      byIp.delete(ip);
      continue;
    }
    if (owner) {
      // Held under another name, but a Service uses it: the Service wins.
      await storage.update(kv.key, JSON.stringify(owner), kv.modRevision);
      allocator.noteUsed(ip);
      byIp.delete(ip);
      continue;
    }
    await storage.delete(kv.key, kv.modRevision);
    report.dropped.push(ip);
  }
  for (const [ip, owner] of byIp) {
    const result = await allocator.reserve(ip, owner);
    if (result.type === "ok") report.added.push(ip);
  }
  return report;
}
