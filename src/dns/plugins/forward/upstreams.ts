/**
 * The upstream list: the order to try them in (an upstream that failed goes last until it
 * answers again, like CoreDNS forward's health checks without the probing), and the check that
 * kdns never forwards to itself.
 */
import { formatHostPort, normalizeHost, reaches } from "../../../machinery/host-port.ts";
import type { Upstream } from "./exchange.ts";

/**
 * Throws when an upstream is this server itself (a wildcard listener hears every local address
 * on its port, and sending to a wildcard address reaches this host): every forwarded query would
 * come back here until it timed out.
 */
export function assertNoLoop(upstreams: readonly Upstream[], self: readonly Upstream[]): void {
  for (const up of upstreams) {
    if (self.some((s) => reaches(up, s))) {
      throw new Error(
        `dns: upstream ${formatHostPort(up)} is this DNS server's own address (a forwarding loop); point it at another resolver`,
      );
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
  readonly #onChange: ((up: Upstream, healthy: boolean) => void) | undefined;

  /** `onChange` hears each time an upstream goes down or comes back. */
  constructor(upstreams: readonly Upstream[], onChange?: (up: Upstream, healthy: boolean) => void) {
    if (upstreams.length === 0) throw new Error("forward: at least one upstream is needed");
    this.#all = upstreams;
    this.#failed = upstreams.map(() => false);
    this.#looped = upstreams.map(() => false);
    this.#order = upstreams;
    this.#onChange = onChange;
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
    this.#onChange?.(up, ok);
  }

  /** Takes the upstream at `host:port` out of the order for good; false when unknown or already out. */
  markLooped(up: Upstream): boolean {
    const i = this.#all.findIndex((u) => u.port === up.port && normalizeHost(u.host) === normalizeHost(up.host));
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
