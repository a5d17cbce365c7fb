/**
 * The one way kdns says an address: `host:port` parsed and formatted (IPv6 in brackets, RFC 3986
 * §3.2.2), wildcard and loopback tests, the machine's own addresses, and the words for an errno
 * when a listen or connect fails.
 */
import { isIP } from "node:net";
import { networkInterfaces } from "node:os";

/** A host and a port: where something listens or where to send. */
export interface HostPort {
  host: string;
  port: number;
}

/** Options of {@link parseHostPort}. */
export interface ParseHostPortOptions {
  /** Port of a value given without one (`192.0.2.53`, `2001:db8::53`); without it a port is required. */
  defaultPort?: number;
  /** Accept only IP literals, no names (upstream resolvers, which kdns cannot look up). */
  ipOnly?: boolean;
}

/**
 * Parses `127.0.0.1:6443`, `[::1]:53`, `localhost:80` or `:8080` (every address); with
 * `defaultPort`, also a bare host. Throws an Error that shows the value seen.
 */
export function parseHostPort(value: string, options: ParseHostPortOptions = {}): HostPort {
  const { defaultPort, ipOnly = false } = options;
  const bare = defaultPort !== undefined && (isIP(value) !== 0 || /^[A-Za-z0-9.-]+$/.test(value));
  const m = bare
    ? null
    : (/^\[([0-9a-fA-F:.]+)\]:(\d{1,5})$/.exec(value) ?? /^([A-Za-z0-9.-]*):(\d{1,5})$/.exec(value));
  if (!bare && !m) {
    const example =
      defaultPort !== undefined ? "192.0.2.53, 192.0.2.53:53 or [2001:db8::53]:53" : "127.0.0.1:6443 or [::1]:53";
    throw new Error(`expected host:port (e.g. ${example}), got "${value}"`);
  }
  const host = bare ? value : (m?.[1] ?? "");
  const port = bare ? (defaultPort ?? 0) : Number(m?.[2]);
  if (port > 65535) throw new Error(`port must be 0-65535, got "${value}"`);
  if (value.startsWith("[") && isIP(host) !== 6) throw new Error(`"${host}" is not an IPv6 address in "${value}"`);
  if (ipOnly && isIP(host) === 0) throw new Error(`"${value}" must be an IP address, optionally with :port`);
  return { host: host === "" ? "0.0.0.0" : host, port };
}

/** `host:port` as it goes into a URL or a log line, IPv6 literals in brackets. */
export function formatHostPort(address: HostPort): string {
  return isIP(address.host) === 6 ? `[${address.host}]:${address.port}` : `${address.host}:${address.port}`;
}

/** Whether a listen host means every address of the machine. */
export function isWildcard(host: string): boolean {
  return host === "0.0.0.0" || host === "::" || host === "";
}

/** Whether `host` only reaches this machine (all of 127.0.0.0/8 goes to the loopback interface). */
export function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** Lower case, brackets and zone dropped, IPv4-mapped IPv6 as IPv4: one spelling per address. */
export function normalizeHost(host: string): string {
  const h = host
    .toLowerCase()
    .replace(/^\[|\]$/g, "")
    .replace(/%.*$/, "");
  return h.startsWith("::ffff:") && h.includes(".") ? h.slice(7) : h;
}

/** Every address of this machine's interfaces (normalized), loopback included. */
export function localAddresses(): Set<string> {
  const out = new Set(["127.0.0.1", "::1", "localhost"]);
  for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) out.add(normalizeHost(a.address));
  return out;
}

/** Whether sending to `host` reaches this machine. */
export function isLocalAddress(host: string): boolean {
  const h = normalizeHost(host);
  return isWildcard(h) || isLoopback(h) || localAddresses().has(h);
}

/**
 * Whether sending to `target` reaches a server listening on `listen`: the same host and port, or
 * a wildcard listener and any address of this machine on its port.
 */
export function reaches(target: HostPort, listen: HostPort): boolean {
  if (target.port !== listen.port) return false;
  const host = normalizeHost(target.host);
  return host === normalizeHost(listen.host) || isWildcard(host) || (isWildcard(listen.host) && isLocalAddress(host));
}

/** The address a client on this machine dials to reach a listener on `host`: a wildcard or localhost is loopback. */
export function reachableAddress(host: string): string {
  if (host === "::") return "::1";
  if (isWildcard(host) || host === "localhost") return "127.0.0.1";
  return host;
}

/**
 * The address other machines reach a listener on `host` at, as kube-apiserver picks its
 * advertise address: the listen IP itself; for a wildcard, the first non-internal address of the
 * same family (loopback when there is none); `localhost` is loopback; undefined for another name.
 */
export function advertisedAddress(host: string): string | undefined {
  if (host === "localhost") return "127.0.0.1";
  if (isWildcard(host)) {
    const family = host === "::" ? "IPv6" : "IPv4";
    for (const list of Object.values(networkInterfaces())) {
      for (const a of list ?? [])
        if (!a.internal && a.family === family && !a.address.startsWith("fe80:")) return a.address;
    }
    return family === "IPv6" ? "::1" : "127.0.0.1";
  }
  return isIP(host) !== 0 ? normalizeHost(host) : undefined;
}

const ERRNO_TEXT: Record<string, string> = {
  EADDRINUSE: "address already in use",
  EADDRNOTAVAIL: "address not available",
  EACCES: "permission denied",
  ECONNREFUSED: "connection refused",
  ETIMEDOUT: "timed out",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  ENOTFOUND: "name not found",
};

/** Words for a socket error: its errno in plain text when known, else its message. */
export function errnoText(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code !== undefined && ERRNO_TEXT[code] !== undefined) return ERRNO_TEXT[code];
  return err instanceof Error ? err.message : String(err);
}

/** A listen failure as one line: `dns: cannot listen on 127.0.0.1:53 (udp): address already in use`. */
export class ListenError extends Error {
  /** The errno (EADDRINUSE …), kept for callers that retry. */
  readonly code: string | undefined;

  constructor(part: string, address: HostPort, cause: unknown, protocol?: string) {
    const proto = protocol !== undefined ? ` (${protocol})` : "";
    super(`${part}: cannot listen on ${formatHostPort(address)}${proto}: ${errnoText(cause)}`, { cause });
    this.name = "ListenError";
    this.code = (cause as NodeJS.ErrnoException | undefined)?.code;
  }
}
