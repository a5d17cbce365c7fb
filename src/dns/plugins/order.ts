/**
 * The one fixed order of the plugin chain (CoreDNS's plugin.cfg). Why this order:
 * - loop first: its probe names (under the reserved `.invalid`) must be caught before anything
 *   could pass them on to forward, or a looping probe would go round again; the check is one
 *   string suffix comparison on the wire key, so the hot path pays almost nothing.
 * - kubernetes first: the cluster zone and the PTRs of cluster IPs are the hot path and are
 *   authoritative; nothing after it may shadow a cluster name.
 * - hosts next: DNSRecord hosts are authoritative data too (and NXDOMAIN below them), answered
 *   for every client like the cluster zone.
 * - acl after all authoritative data: recursion is only for allowed clients, but cluster and
 *   DNSRecord names must still answer everyone; so the ACL guards only what follows it.
 * - cache before forward: a cached upstream answer is served without touching the network, and
 *   only a miss goes on to forward.
 * - forward last: everything no one above owns goes to the upstream resolvers.
 */
import type { DnsPlugin } from "../plugin.ts";

/** Plugin names, in chain order. */
export const PLUGIN_ORDER = ["loop", "kubernetes", "hosts", "acl", "cache", "forward"] as const;

/** A plugin name the chain knows. */
export type PluginName = (typeof PLUGIN_ORDER)[number];

/** Sorts plugins into {@link PLUGIN_ORDER}; throws for an unknown or repeated plugin name. */
export function inPluginOrder(plugins: readonly DnsPlugin[]): DnsPlugin[] {
  const rank = (p: DnsPlugin): number => {
    const i = (PLUGIN_ORDER as readonly string[]).indexOf(p.name);
    if (i < 0) throw new Error(`unknown dns plugin "${p.name}": the order knows ${PLUGIN_ORDER.join(", ")}`);
    return i;
  };
  const seen = new Set<string>();
  const ranked = plugins.map((p) => {
    if (seen.has(p.name)) throw new Error(`dns plugin "${p.name}" given twice`);
    seen.add(p.name);
    return { p, r: rank(p) };
  });
  return ranked.sort((a, b) => a.r - b.r).map((x) => x.p);
}
