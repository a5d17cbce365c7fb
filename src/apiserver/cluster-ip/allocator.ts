/**
 * Service cluster IP allocation. Each allocated IP is its own storage key
 * (`core/ipallocations/<ip>`, created with `storage.create`, which fails when taken), so IPs stay
 * unique under concurrency and across API servers that share one etcd — as Kubernetes'
 * IPAddress-object allocator does. The in-memory set of used offsets is only a hint that lets a
 * scan skip addresses known to be taken.
 */
import type { Storage } from "../../storage/storage.ts";
import { type Ipv4Range, numberToIpv4, offsetInRange, parseIpv4Cidr } from "./cidr.ts";

/** The key prefix of IP reservations. */
export const IP_ALLOCATION_PREFIX = "core/ipallocations/";

/** Who holds an address: stored as the reservation's value. */
export interface IpOwner {
  namespace: string;
  name: string;
}

/** Outcome of reserving one requested address. */
export type ReserveResult = { type: "ok" } | { type: "taken" } | { type: "out-of-range" };

/** Outcome of allocating any free address. */
export type AllocateResult = { type: "ok"; ip: string } | { type: "full" };

/** Allocates service IPs from one IPv4 range. */
export class ClusterIpAllocator {
  readonly range: Ipv4Range;
  readonly #storage: Storage;
  readonly #used = new Set<number>();
  #cursor: number;

  constructor(storage: Storage, cidr: string) {
    this.#storage = storage;
    this.range = parseIpv4Cidr(cidr);
    // Offset 0 is the network address; offset 1 is conventionally the `kubernetes` service's, so
    // automatic allocation starts after it (a request for it is still honoured).
    this.#cursor = this.#firstAuto();
  }

  #firstAuto(): number {
    return this.range.size > 4 ? 2 : 1;
  }

  /** Whether `offset` is a host address (not the network or broadcast address). */
  #isHost(offset: number): boolean {
    return offset > 0 && offset < this.range.size - 1;
  }

  /** Reserves the requested address for `owner`. */
  async reserve(ip: string, owner: IpOwner): Promise<ReserveResult> {
    const offset = offsetInRange(this.range, ip);
    if (offset === undefined || !this.#isHost(offset)) return { type: "out-of-range" };
    const canonical = numberToIpv4(this.range.base + offset);
    const result = await this.#storage.create(IP_ALLOCATION_PREFIX + canonical, JSON.stringify(owner));
    this.#used.add(offset);
    return result.type === "ok" ? { type: "ok" } : { type: "taken" };
  }

  /** Reserves the next free address for `owner`. */
  async allocate(owner: IpOwner): Promise<AllocateResult> {
    const first = this.#firstAuto();
    const hosts = this.range.size - 1 - first;
    for (let tried = 0; tried < hosts; tried++) {
      const offset = this.#cursor;
      // Advance before awaiting, so concurrent allocations in this process try different addresses.
      this.#cursor = offset + 1 >= this.range.size - 1 ? first : offset + 1;
      if (this.#used.has(offset)) continue;
      this.#used.add(offset);
      const ip = numberToIpv4(this.range.base + offset);
      const result = await this.#storage.create(IP_ALLOCATION_PREFIX + ip, JSON.stringify(owner));
      if (result.type === "ok") return { type: "ok", ip };
    }
    return { type: "full" };
  }

  /** Frees an address (no-op for addresses outside the range). */
  async release(ip: string): Promise<void> {
    const offset = offsetInRange(this.range, ip);
    if (offset === undefined) return;
    await this.#storage.delete(IP_ALLOCATION_PREFIX + numberToIpv4(this.range.base + offset));
    this.#used.delete(offset);
  }

  /** Marks an address as used in the hint (after a repair or a reservation seen elsewhere). */
  noteUsed(ip: string): void {
    const offset = offsetInRange(this.range, ip);
    if (offset !== undefined) this.#used.add(offset);
  }
}
