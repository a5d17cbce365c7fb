/** IPv4 CIDR arithmetic for the service range (pure). */

/** A parsed IPv4 range: `base` is the network address as a number, `size` the count of addresses. */
export interface Ipv4Range {
  cidr: string;
  base: number;
  size: number;
}

/** The number of a dotted IPv4 address, or undefined when `ip` is not one. */
export function ipv4ToNumber(ip: string): number | undefined {
  const parts = ip.split(".");
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(p)) return undefined;
    const v = Number(p);
    if (v > 255) return undefined;
    n = n * 256 + v;
  }
  return n;
}

/** The dotted form of an IPv4 number. */
export function numberToIpv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join(".");
}

/** Parses `a.b.c.d/len`; throws with the value seen when it is not an IPv4 CIDR. */
export function parseIpv4Cidr(cidr: string): Ipv4Range {
  const [ip, lenText, extra] = cidr.split("/");
  const addr = ip === undefined ? undefined : ipv4ToNumber(ip);
  const len = Number(lenText);
  if (addr === undefined || extra !== undefined || !/^[0-9]{1,2}$/.test(lenText ?? "") || len > 30 || len < 1) {
    throw new Error(`invalid service CIDR "${cidr}": want an IPv4 CIDR with a prefix length from 1 to 30`);
  }
  const size = 2 ** (32 - len);
  const base = addr - (addr % size);
  return { cidr, base, size };
}

/** The offset of `ip` inside `range`, or undefined when outside it (or not IPv4). */
export function offsetInRange(range: Ipv4Range, ip: string): number | undefined {
  const n = ipv4ToNumber(ip);
  if (n === undefined || n < range.base || n >= range.base + range.size) return undefined;
  return n - range.base;
}
