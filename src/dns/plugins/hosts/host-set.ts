/**
 * The DNSRecord hosts as a set of zones, each host its own apex. Counted, because several
 * DNSRecords (in different namespaces) may name the same host and it must live until the last
 * one goes. Names between a host and an enclosing host are empty non-terminals: they exist
 * (NODATA, never NXDOMAIN, RFC 8020), so their count is kept too. A host `*.suffix` is a wildcard:
 * it stands for every name under the suffix that no closer host holds (RFC 4592's closest encloser).
 */

/** Where a name stands relative to the hosts. `zone` is the closest host at or above the name. */
export type HostMatch =
  /** The name is a host. */
  | { type: "host"; zone: string }
  /** The name is under the wildcard host `zone` (`*.suffix`) and no closer host. */
  | { type: "wildcard"; zone: string }
  /** Below a host, and another host lies below the name: it exists without records. */
  | { type: "empty"; zone: string }
  /** Below a host, and nothing is there. */
  | { type: "missing"; zone: string }
  /** Not at or below any host: someone else's name. */
  | { type: "none" };

const NONE: HostMatch = { type: "none" };

/** Normalises a host as the wire parser gives names: lower case, no trailing dot. */
export function normalizeHost(host: string): string {
  return host.toLowerCase().replace(/\.$/, "");
}

/** The set. */
export class HostSet {
  readonly #hosts = new Map<string, number>();
  /** Proper suffixes of hosts (possible empty non-terminals), counted per host holding them. */
  readonly #above = new Map<string, number>();

  /** Adds one reference to `host`; true when the host is new. */
  add(host: string): boolean {
    const count = this.#hosts.get(host) ?? 0;
    this.#hosts.set(host, count + 1);
    if (count > 0) return false;
    for (let i = host.indexOf("."); i >= 0; i = host.indexOf(".", i + 1)) {
      const suffix = host.slice(i + 1);
      this.#above.set(suffix, (this.#above.get(suffix) ?? 0) + 1);
    }
    return true;
  }

  /** Drops one reference to `host`; true when the host is gone. */
  remove(host: string): boolean {
    const count = this.#hosts.get(host);
    if (count === undefined) return false;
    if (count > 1) {
      this.#hosts.set(host, count - 1);
      return false;
    }
    this.#hosts.delete(host);
    for (let i = host.indexOf("."); i >= 0; i = host.indexOf(".", i + 1)) {
      const suffix = host.slice(i + 1);
      const left = (this.#above.get(suffix) ?? 0) - 1;
      if (left > 0) this.#above.set(suffix, left);
      else this.#above.delete(suffix);
    }
    return true;
  }

  /** Whether `host` is in the set. */
  has(host: string): boolean {
    return this.#hosts.has(host);
  }

  /** Number of distinct hosts. */
  get size(): number {
    return this.#hosts.size;
  }

  /** Classifies a (lower-cased, dotless) query name. */
  match(name: string): HostMatch {
    if (this.#hosts.size === 0) return NONE;
    if (this.#hosts.has(name)) return { type: "host", zone: name };
    for (let i = name.indexOf("."); i >= 0; i = name.indexOf(".", i + 1)) {
      const suffix = name.slice(i + 1);
      const wildcard = `*.${suffix}`;
      if (this.#hosts.has(wildcard) && !this.#above.has(name)) return { type: "wildcard", zone: wildcard };
      if (this.#hosts.has(suffix)) return { type: this.#above.has(name) ? "empty" : "missing", zone: suffix };
    }
    return NONE;
  }
}
