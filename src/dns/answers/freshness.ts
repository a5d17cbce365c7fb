/**
 * Whether answers passed on from a plugin are still what it would say now. A plugin that hands a
 * name to the rest of the chain (kubernetes for unknown reverse names, hosts for names outside its
 * hosts) tags a cached reply coming back with its current token; any change to its data turns that
 * token stale, so the UDP response memo stops reusing the reply the moment the plugin might answer
 * the name itself (a new Service's PTR, a new DNSRecord host).
 */
import type { DnsReply } from "../plugin.ts";

/** The current token of one plugin's data. */
export class Freshness {
  #token = { stale: false };

  /** The data changed: replies tagged so far are out of date. */
  bump(): void {
    this.#token.stale = true;
    this.#token = { stale: false };
  }

  /** Tags a reply from the rest of the chain that a cache built (see DnsReply `sources`). */
  tag(reply: DnsReply | Promise<DnsReply>): DnsReply | Promise<DnsReply> {
    if (!(reply instanceof Promise) && reply.type === "raw" && reply.sources) reply.sources.push(this.#token);
    return reply;
  }
}
