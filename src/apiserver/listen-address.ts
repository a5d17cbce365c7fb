/** Parsing `host:port` listen addresses and telling loopback ones apart (pure). */
import { isIPv6 } from "node:net";

/** A parsed listen address. */
export interface ListenAddress {
  host: string;
  port: number;
}

/** Parses `host:port`, `[v6]:port` or `:port` (all addresses); throws with the value seen. */
export function parseListen(listen: string): ListenAddress {
  const m = /^(?:\[([^\]]+)\]|([^:[\]]*)):([0-9]{1,5})$/.exec(listen);
  const port = Number(m?.[3]);
  if (!m || port > 65535) throw new Error(`invalid listen address "${listen}": want host:port, e.g. 127.0.0.1:6443`);
  const host = m[1] ?? m[2] ?? "";
  return { host: host === "" ? "0.0.0.0" : host, port };
}

/** Whether `host` only accepts connections from this machine. */
export function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || /^127\.[0-9]+\.[0-9]+\.[0-9]+$/.test(host);
}

/** `host:port` as it goes into a URL (IPv6 in brackets). */
export function hostPort(host: string, port: number): string {
  return isIPv6(host) ? `[${host}]:${port}` : `${host}:${port}`;
}
