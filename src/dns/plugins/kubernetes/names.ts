/** Name forms of the Kubernetes DNS specification: reverse names and dashed IPs. */
import { isIP } from "node:net";

/** Expands an IPv6 address to its 8 groups of 4 hex digits. */
function expandIPv6(ip: string): string[] {
  const [head = "", tail] = ip.split("::");
  const h = head ? head.split(":") : [];
  const t = tail !== undefined && tail !== "" ? tail.split(":") : [];
  const fill = tail === undefined ? [] : Array(8 - h.length - t.length).fill("0");
  return [...h, ...fill, ...t].map((g) => g.padStart(4, "0").toLowerCase());
}

/** The PTR owner of an IP: `d.c.b.a.in-addr.arpa` or the 32-nibble `ip6.arpa` form. */
export function reverseName(ip: string): string | undefined {
  const family = isIP(ip);
  if (family === 4) return `${ip.split(".").reverse().join(".")}.in-addr.arpa`;
  if (family === 6) return `${expandIPv6(ip).join("").split("").reverse().join(".")}.ip6.arpa`;
  return undefined;
}

/** The IP a reverse name stands for, or undefined when it is not a complete reverse name. */
export function ipFromReverseName(name: string): string | undefined {
  if (name.endsWith(".in-addr.arpa")) {
    const parts = name.slice(0, -".in-addr.arpa".length).split(".");
    if (parts.length !== 4 || !parts.every((p) => /^(0|[1-9][0-9]{0,2})$/.test(p) && Number(p) < 256)) return undefined;
    return parts.reverse().join(".");
  }
  if (name.endsWith(".ip6.arpa")) {
    const nibbles = name.slice(0, -".ip6.arpa".length).split(".");
    if (nibbles.length !== 32 || !nibbles.every((n) => /^[0-9a-f]$/.test(n))) return undefined;
    const hex = nibbles.reverse().join("");
    return canonicalIP(hex.match(/.{4}/g)!.join(":"));
  }
  return undefined;
}

/** The canonical text of an IP (lower-case, compressed IPv6), for use as a map key. */
export function canonicalIP(ip: string): string {
  if (isIP(ip) !== 6) return ip;
  try {
    return new URL(`http://[${ip}]/`).hostname.slice(1, -1);
  } catch {
    return ip.toLowerCase();
  }
}

/**
 * An endpoint's label when it has no hostname, as CoreDNS writes it: IPv4 dots and IPv6 colons
 * become dashes (`10-1-2-3`, `5678-abcd--1`); a trailing dash gets a `0` so the label is valid.
 */
export function dashedIP(ip: string): string {
  const dashed = canonicalIP(ip).replace(/[.:]/g, "-");
  return dashed.endsWith("-") ? `${dashed}0` : dashed.startsWith("-") ? `0${dashed}` : dashed;
}

/** The IP a pod label (`10-1-2-3`, `fd00--1`) stands for, or undefined. */
export function ipFromDashed(label: string): string | undefined {
  const dashes = label.split("-").length - 1;
  if (dashes === 3 && !label.includes("--")) {
    const ip = label.replace(/-/g, ".");
    return isIP(ip) === 4 ? ip : undefined;
  }
  const ip = label.replace(/-/g, ":");
  return isIP(ip) === 6 ? canonicalIP(ip) : undefined;
}
