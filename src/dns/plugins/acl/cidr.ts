/**
 * CIDR matching without allocation on the hot path: prefixes are compiled once into 32-bit words
 * and a client address is parsed into words on the fly. IPv4-mapped IPv6 addresses
 * (`::ffff:a.b.c.d`, as dual-stack sockets report IPv4 clients) match the IPv4 prefixes.
 */

interface Prefix4 {
  net: number;
  mask: number;
}

interface Prefix6 {
  /** Network as four 32-bit words. */
  net: Uint32Array;
  mask: Uint32Array;
}

/** A set of IPv4 and IPv6 prefixes. */
export interface CidrSet {
  v4: Prefix4[];
  v6: Prefix6[];
}

/** Parses dotted-quad IPv4 into an unsigned 32-bit number; -1 when malformed. */
export function parseIPv4(s: string, start = 0, end = s.length): number {
  let value = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x2e) {
      if (digits === 0 || dots === 3) return -1;
      value = value * 256 + part;
      part = 0;
      digits = 0;
      dots++;
    } else if (c >= 0x30 && c <= 0x39) {
      part = part * 10 + (c - 0x30);
      if (++digits > 3 || part > 255) return -1;
    } else return -1;
  }
  if (dots !== 3 || digits === 0) return -1;
  return value * 256 + part;
}

/** Parses IPv6 text (with `::`, an embedded IPv4 tail and an optional `%zone`) into `out`; false when malformed. */
export function parseIPv6(s: string, out: Uint16Array): boolean {
  let end = s.indexOf("%");
  if (end < 0) end = s.length;
  out.fill(0);
  let n = 0;
  let gap = -1;
  let i = 0;
  if (s.startsWith("::")) {
    gap = 0;
    i = 2;
    if (end === 2) return true;
  }
  while (i < end) {
    let j = i;
    let word = 0;
    while (j < end && j - i < 5) {
      const c = s.charCodeAt(j);
      const d =
        c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x61 && c <= 0x66 ? c - 87 : c >= 0x41 && c <= 0x46 ? c - 55 : -1;
      if (d < 0) break;
      word = word * 16 + d;
      j++;
    }
    if (j < end && s.charCodeAt(j) === 0x2e) {
      const v4 = parseIPv4(s, i, end);
      if (v4 < 0 || n > 6) return false;
      out[n++] = v4 >>> 16;
      out[n++] = v4 & 0xffff;
      i = end;
      break;
    }
    if (j === i || j - i > 4 || n >= 8) return false;
    out[n++] = word;
    i = j;
    if (i === end) break;
    if (s.charCodeAt(i) !== 0x3a) return false;
    i++;
    if (i < end && s.charCodeAt(i) === 0x3a) {
      if (gap >= 0) return false;
      gap = n;
      i++;
    } else if (i === end) return false;
  }
  if (gap < 0) return n === 8;
  if (n === 8) return false;
  const tail = n - gap;
  for (let k = 0; k < tail; k++) {
    out[7 - k] = out[n - 1 - k]!;
    out[n - 1 - k] = 0;
  }
  return true;
}

/** Compiles CIDRs like `10.0.0.0/8` and `fd00::/8` (a bare address means a single host). */
export function compileCidrs(cidrs: readonly string[]): CidrSet {
  const set: CidrSet = { v4: [], v6: [] };
  const words = new Uint16Array(8);
  for (const cidr of cidrs) {
    const slash = cidr.indexOf("/");
    const addr = slash < 0 ? cidr : cidr.slice(0, slash);
    const v4 = parseIPv4(addr);
    const max = v4 >= 0 ? 32 : 128;
    const bits = slash < 0 ? max : Number(cidr.slice(slash + 1));
    if (!Number.isInteger(bits) || bits < 0 || bits > max || (slash >= 0 && !/^\d+$/.test(cidr.slice(slash + 1)))) {
      throw new Error(`invalid CIDR ${JSON.stringify(cidr)}: prefix length must be 0..${max}`);
    }
    if (v4 >= 0) {
      const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
      set.v4.push({ net: (v4 & mask) >>> 0, mask });
      continue;
    }
    if (!parseIPv6(addr, words)) throw new Error(`invalid CIDR ${JSON.stringify(cidr)}: not an IPv4 or IPv6 address`);
    const net = new Uint32Array(4);
    const mask = new Uint32Array(4);
    for (let k = 0; k < 4; k++) {
      const left = Math.max(0, Math.min(32, bits - 32 * k));
      mask[k] = left === 0 ? 0 : (0xffffffff << (32 - left)) >>> 0;
      net[k] = (((words[2 * k]! << 16) | words[2 * k + 1]!) & mask[k]!) >>> 0;
    }
    set.v6.push({ net, mask });
  }
  return set;
}

const scratch = new Uint16Array(8);

function matches4(set: CidrSet, ip: number): boolean {
  for (const p of set.v4) if ((ip & p.mask) >>> 0 === p.net) return true;
  return false;
}

/** Whether `address` (IPv4, IPv6 or IPv4-mapped IPv6 text) lies in one of the prefixes. */
export function cidrsContain(set: CidrSet, address: string): boolean {
  const v4 = parseIPv4(address);
  if (v4 >= 0) return matches4(set, v4);
  if (!parseIPv6(address, scratch)) return false;
  if (
    scratch[0] === 0 &&
    scratch[1] === 0 &&
    scratch[2] === 0 &&
    scratch[3] === 0 &&
    scratch[4] === 0 &&
    scratch[5] === 0xffff
  ) {
    if (matches4(set, ((scratch[6]! << 16) | scratch[7]!) >>> 0)) return true;
  }
  for (const p of set.v6) {
    let ok = true;
    for (let k = 0; k < 4 && ok; k++) {
      const w = ((scratch[2 * k]! << 16) | scratch[2 * k + 1]!) >>> 0;
      ok = (w & p.mask[k]!) >>> 0 === p.net[k];
    }
    if (ok) return true;
  }
  return false;
}
