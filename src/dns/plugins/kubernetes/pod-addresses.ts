/**
 * Which pod IPs exist in which namespace, for `pods verified`: the only thing DNS needs of 100,000
 * pods. An IPv4 address is kept as a small integer rather than a string (no heap object at all),
 * both in the informer's cache (a pod's {@link PodInfo}) and here.
 */
import { isIPv4 } from "node:net";

/** A pod's IPs: one IPv4 address as an int32, else its canonical IPs comma-separated ("" for none). */
export type PodInfo = number | string;

/** The int32 form of a dotted IPv4 address. */
function packIPv4(ip: string): number {
  const [a = 0, b = 0, c = 0, d = 0] = ip.split(".").map(Number);
  return (a << 24) | (b << 16) | (c << 8) | d | 0;
}

function unpackIPv4(n: number): string {
  return `${(n >>> 24) & 255}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

/** A pod's info from its canonical IPs. */
export function podInfo(ips: readonly string[]): PodInfo {
  if (ips.length === 1 && isIPv4(ips[0]!)) return packIPv4(ips[0]!);
  return ips.join(",");
}

/** The IPs of a pod's info, as text. */
export function infoIPs(info: PodInfo): string[] {
  if (typeof info === "number") return [unpackIPv4(info)];
  return info === "" ? [] : info.split(",");
}

/** The map key of an IP: int32 for IPv4, else the text. */
function keyOf(ip: string): number | string {
  return isIPv4(ip) ? packIPv4(ip) : ip;
}

/** Namespace → pod IP → number of pods with it. */
export class PodAddresses {
  readonly #byNamespace = new Map<string, Map<number | string, number>>();

  /** Counts `info`'s IPs in (delta +1) or out (-1); returns the IPs touched. */
  change(namespace: string, info: PodInfo, delta: 1 | -1): string[] {
    const ips = infoIPs(info);
    if (ips.length === 0) return ips;
    let counts = this.#byNamespace.get(namespace);
    if (!counts) this.#byNamespace.set(namespace, (counts = new Map()));
    for (const ip of ips) {
      const key = keyOf(ip);
      const count = (counts.get(key) ?? 0) + delta;
      if (count > 0) counts.set(key, count);
      else counts.delete(key);
    }
    if (counts.size === 0) this.#byNamespace.delete(namespace);
    return ips;
  }

  /** Whether a pod with this (canonical) IP exists in the namespace. */
  has(namespace: string, ip: string): boolean {
    return (this.#byNamespace.get(namespace)?.get(keyOf(ip)) ?? 0) > 0;
  }
}
