/**
 * Flag helpers shared by every command: each flag shows its default in `--help` and can also be
 * set from the environment as `KDNS_<FLAG>` (ARCHITECTURE.md "Configuration").
 */

import { isIP } from "node:net";
import { InvalidArgumentError, Option } from "commander";

/** `--api-listen` → `KDNS_API_LISTEN`. */
export function envName(long: string): string {
  return `KDNS_${long.replace(/^--/, "").replace(/-/g, "_").toUpperCase()}`;
}

/**
 * An option bound to its `KDNS_*` environment variable, with a default (shown in help) and an
 * optional validator that also checks values taken from the environment. Values stay strings.
 */
export function flag(
  flags: string,
  description: string,
  options: { default?: string; parse?: (value: string) => unknown; choices?: readonly string[] } = {},
): Option {
  const long = /--[a-z0-9-]+/.exec(flags)?.[0];
  if (!long) throw new Error(`flag "${flags}" has no long name`);
  const opt = new Option(flags, description).env(envName(long));
  if (options.default !== undefined) opt.default(options.default);
  if (options.choices) opt.choices(options.choices);
  if (options.parse) {
    const parse = options.parse;
    // Validate only: values stay strings so defaults and given values have one type.
    opt.argParser((value: string) => {
      parse(value);
      return value;
    });
  }
  return opt;
}

/** A parsed `host:port` listen or target address. */
export interface HostPort {
  host: string;
  port: number;
}

/** Parses `127.0.0.1:6443`, `[::1]:53` or `localhost:80`; throws an `InvalidArgumentError` with the value seen. */
export function parseHostPort(value: string): HostPort {
  const m = /^\[([0-9a-fA-F:.]+)\]:(\d+)$/.exec(value) ?? /^([A-Za-z0-9.-]+):(\d+)$/.exec(value);
  if (!m) throw new InvalidArgumentError(`expected host:port (e.g. 127.0.0.1:6443 or [::1]:53), got "${value}"`);
  const host = m[1] ?? "";
  const port = Number(m[2]);
  if (!Number.isInteger(port) || port > 65535) throw new InvalidArgumentError(`port must be 0-65535, got "${value}"`);
  if (value.startsWith("[") && isIP(host) !== 6)
    throw new InvalidArgumentError(`"${host}" is not an IPv6 address in "${value}"`);
  return { host, port };
}

/** Formats a host:port back, bracketing IPv6 literals (RFC 3986 §3.2.2). */
export function formatHostPort(hp: HostPort): string {
  return isIP(hp.host) === 6 ? `[${hp.host}]:${hp.port}` : `${hp.host}:${hp.port}`;
}

/** Validates an IPv4 or IPv6 CIDR such as `10.96.0.0/12`; returns it unchanged. */
export function parseCidr(value: string): string {
  const slash = value.indexOf("/");
  const ip = slash < 0 ? "" : value.slice(0, slash);
  const bits = slash < 0 ? NaN : Number(value.slice(slash + 1));
  const family = isIP(ip);
  const max = family === 6 ? 128 : 32;
  if (family === 0 || !/^\d+$/.test(value.slice(slash + 1)) || bits > max) {
    throw new InvalidArgumentError(`expected a CIDR such as 10.96.0.0/12, got "${value}"`);
  }
  return value;
}

/** Validates an IP address; returns it unchanged. */
export function parseIp(value: string): string {
  if (isIP(value) === 0) throw new InvalidArgumentError(`expected an IP address, got "${value}"`);
  return value;
}

/** Validates a comma-separated list of http(s) URLs. */
export function parseUrlList(value: string): string[] {
  const urls = value
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  if (urls.length === 0) throw new InvalidArgumentError(`expected one or more URLs, got "${value}"`);
  for (const u of urls) parseUrl(u);
  return urls;
}

/** Validates one http(s) URL; returns it unchanged. */
export function parseUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError(`expected a URL such as http://127.0.0.1:6443, got "${value}"`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new InvalidArgumentError(`expected an http or https URL, got "${value}"`);
  return value;
}

/**
 * Validates comma-separated upstream DNS servers (`192.0.2.53`, `192.0.2.53:53`, `[2001:db8::53]:53`);
 * a bare IP gets port 53.
 */
export function parseUpstreams(value: string): HostPort[] {
  const parts = value
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  if (parts.length === 0) throw new InvalidArgumentError(`expected one or more DNS servers, got "${value}"`);
  return parts.map((p) => {
    if (isIP(p) !== 0) return { host: p, port: 53 };
    const hp = parseHostPort(p);
    if (isIP(hp.host) === 0)
      throw new InvalidArgumentError(`upstream "${p}" must be an IP address, optionally with :port`);
    return hp;
  });
}
