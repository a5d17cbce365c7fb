/**
 * Flag helpers shared by every command: each flag shows its default in `--help`, can also be set
 * from the environment as `KDNS_<FLAG>`, and is parsed once — given, from the environment or by
 * default — into the typed value commander hands the action.
 */
import { isIP } from "node:net";
import { InvalidArgumentError, Option } from "commander";
import { type HostPort, parseHostPort } from "../machinery/host-port.ts";

/** `--api-listen` → `KDNS_API_LISTEN`. */
export function envName(long: string): string {
  return `KDNS_${long.replace(/^--/, "").replace(/-/g, "_").toUpperCase()}`;
}

/** Settings of {@link flag}. */
export interface FlagOptions<T> {
  /** The default as a user would type it: shown in `--help` and parsed like a given value. */
  default?: string;
  /** Turns the text into the value; throws (any Error) with the value seen. */
  parse?: (value: string) => T;
  choices?: readonly string[];
}

/**
 * An option bound to its `KDNS_*` environment variable. `parse` runs on a given value, one from
 * the environment and the default alike, so the action sees one type whichever way it came.
 */
export function flag<T = string>(flags: string, description: string, options: FlagOptions<T> = {}): Option {
  const long = /--[a-z0-9-]+/.exec(flags)?.[0];
  if (!long) throw new Error(`flag "${flags}" has no long name`);
  const opt = new Option(flags, description).env(envName(long));
  if (options.choices) opt.choices(options.choices);
  const parse = options.parse;
  if (parse) {
    opt.argParser((value: string) => {
      try {
        return parse(value);
      } catch (err) {
        throw err instanceof InvalidArgumentError ? err : new InvalidArgumentError((err as Error).message);
      }
    });
  }
  if (options.default !== undefined) opt.default(parse ? parse(options.default) : options.default, options.default);
  return opt;
}

/** `host:port` of a listen address (`127.0.0.1:6443`, `[::1]:53`, `:8080`). */
export function hostPortFlag(value: string): HostPort {
  return parseHostPort(value);
}

/** Validates an IPv4 or IPv6 CIDR such as `10.96.0.0/12`; returns it unchanged. */
export function parseCidr(value: string): string {
  const slash = value.indexOf("/");
  const ip = slash < 0 ? "" : value.slice(0, slash);
  const bits = slash < 0 ? Number.NaN : Number(value.slice(slash + 1));
  const family = isIP(ip);
  const max = family === 6 ? 128 : 32;
  if (family === 0 || !/^\d+$/.test(value.slice(slash + 1)) || bits > max) {
    throw new InvalidArgumentError(`expected a CIDR such as 10.96.0.0/12, got "${value}"`);
  }
  return value;
}

/** Comma-separated CIDRs. */
export function parseCidrList(value: string): string[] {
  const list = splitList(value);
  for (const c of list) parseCidr(c);
  return list;
}

/** Validates an IP address; returns it unchanged. */
export function parseIp(value: string): string {
  if (isIP(value) === 0) throw new InvalidArgumentError(`expected an IP address, got "${value}"`);
  return value;
}

/** Validates a comma-separated list of http(s) URLs. */
export function parseUrlList(value: string): string[] {
  const urls = splitList(value);
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
 * `none`, or comma-separated upstream DNS servers (`192.0.2.53`, `192.0.2.53:53`,
 * `[2001:db8::53]:53`); a bare IP gets port 53.
 */
export function parseUpstreams(value: string): HostPort[] {
  if (value === "none") return [];
  const parts = splitList(value);
  if (parts.length === 0) throw new InvalidArgumentError(`expected one or more DNS servers or none, got "${value}"`);
  return parts.map((p) => parseHostPort(p, { defaultPort: 53, ipOnly: true }));
}

/** Validates a DNS domain such as cluster.local; returns it without a trailing dot. */
export function parseDomain(value: string): string {
  if (!/^([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)(\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*\.?$/.test(value)) {
    throw new InvalidArgumentError(`expected a DNS domain such as cluster.local, got "${value}"`);
  }
  return value.replace(/\.$/, "");
}

/** A whole number from `min` to `max`; `what` names it in the error. */
export function intFlag(what: string, min: number, max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < min || n > max)
      throw new InvalidArgumentError(`expected ${what} (${min}-${max}), got "${value}"`);
    return n;
  };
}

function splitList(value: string): string[] {
  return value
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
}
