/**
 * The upstream list: the order to try them in (an upstream that failed goes last until it
 * answers again, like CoreDNS forward's health checks without the probing), and the check that
 * kdns never forwards to itself.
 */
import { networkInterfaces } from "node:os";
import type { Upstream } from "./exchange.ts";

const normalize = (host: string): string => {
  const h = host.toLowerCase().replace(/^\[|\]$/g, "");
  return h.startsWith("::ffff:") && h.includes(".") ? h.slice(7) : h;
};

const isWildcard = (host: string): boolean => host === "0.0.0.0" || host === "::" || host === "";

function localAddresses(): Set<string> {
  const out = new Set<string>(["127.0.0.1", "::1", "localhost"]);
  for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) out.add(normalize(a.address));
  return out;
}

/**
 * Throws "forwarding loop: upstream X is this server" when an upstream is one of this server's
 * listen addresses (a wildcard listener matches every local address on its port).
 */
export function assertNoLoop(upstreams: readonly Upstream[], self: readonly Upstream[]): void {
  let local: Set<string> | undefined;
  for (const up of upstreams) {
    const host = normalize(up.host);
    for (const s of self) {
      if (s.port !== up.port) continue;
      const selfHost = normalize(s.host);
      // Sending to 0.0.0.0 or :: reaches this host, and a wildcard listener hears every local address.
      const same =
        selfHost === host || isWildcard(host) || (isWildcard(selfHost) && (local ??= localAddresses()).has(host));
      if (same) throw new Error(`forwarding loop: upstream ${up.host}:${up.port} is this server`);
    }
  }
}

/** Upstreams with their health, in the order to try. */
export class UpstreamSet {
  readonly #all: readonly Upstream[];
  readonly #failed: boolean[];
  /** Upstreams that forward back to this server: never tried again. */
  readonly #looped: boolean[];
  #order: readonly Upstream[];

  constructor(upstreams: readonly Upstream[]) {
    if (upstreams.length === 0) throw new Error("forward: at least one upstream is needed");
    this.#all = upstreams;
    this.#failed = upstreams.map(() => false);
    this.#looped = upstreams.map(() => false);
    this.#order = upstreams;
  }

  /** Healthy upstreams first (in the configured order), then the failed ones; never a looped one. */
  order(): readonly Upstream[] {
    return this.#order;
  }

  /** Records an outcome; the order changes only when an upstream's health does. */
  report(up: Upstream, ok: boolean): void {
    const i = this.#all.indexOf(up);
    if (i < 0 || this.#failed[i] === !ok) return;
    this.#failed[i] = !ok;
    this.#reorder();
  }

  /** Takes the upstream at `host:port` out of the order for good; false when unknown or already out. */
  markLooped(up: Upstream): boolean {
    const i = this.#all.findIndex((u) => u.port === up.port && normalize(u.host) === normalize(up.host));
    if (i < 0 || this.#looped[i]) return false;
    this.#looped[i] = true;
    this.#reorder();
    return true;
  }

  #reorder(): void {
    const usable = (k: number): boolean => !this.#looped[k];
    this.#order = [
      ...this.#all.filter((_, k) => usable(k) && !this.#failed[k]),
      ...this.#all.filter((_, k) => usable(k) && this.#failed[k]),
    ];
  }

  /** Whether `up` is currently marked failed. */
  failed(up: Upstream): boolean {
    return this.#failed[this.#all.indexOf(up)] ?? false;
  }
}
