/**
 * The recursion ACL: only clients inside the allowed prefixes may use what follows it in the
 * chain (cache and forward), so kdns is not an open resolver (RFC 5358). Cluster and DNSRecord
 * names are answered before it, for every client.
 */
import type { DnsPlugin, DnsReply, DnsRequest, Next, PluginNote, RecursionGate } from "../../plugin.ts";
import { RCODE } from "../../wire/constants.ts";
import { udpLimit, writeAnswer } from "../../wire/response.ts";
import { type CidrSet, cidrsContain, compileCidrs } from "./cidr.ts";

/** Loopback and private ranges (RFC 1918, RFC 4193 ULA, link-local): the `--allow-recursion` default. */
export const DEFAULT_RECURSION_ALLOW: readonly string[] = [
  "127.0.0.0/8",
  "10.0.0.0/8",
  "172.16.0.0/12",
  "192.168.0.0/16",
  "169.254.0.0/16",
  "::1/128",
  "fc00::/7",
  "fe80::/10",
];

/** Settings of {@link RecursionAclPlugin}. */
export interface RecursionAclOptions {
  /** CIDRs (IPv4 and IPv6) of clients allowed to recurse; a bare address is one host. */
  allow: string[];
}

/** Client addresses whose verdict is remembered (the UDP response memo asks for every hit). */
const MAX_REMEMBERED = 4096;

/** Answers REFUSED, with RA clear, to clients outside the allowed prefixes. */
export class RecursionAclPlugin implements DnsPlugin, RecursionGate {
  readonly name = "acl";
  readonly #allowed: CidrSet;
  readonly #verdicts = new Map<string, boolean>();

  /** Throws on a malformed CIDR, naming it. */
  constructor(options: RecursionAclOptions) {
    this.#allowed = compileCidrs(options.allow);
  }

  /** Whether `address` may recurse. */
  allows(address: string): boolean {
    let verdict = this.#verdicts.get(address);
    if (verdict === undefined) {
      verdict = cidrsContain(this.#allowed, address);
      if (this.#verdicts.size >= MAX_REMEMBERED) this.#verdicts.clear();
      this.#verdicts.set(address, verdict);
    }
    return verdict;
  }

  explain(req: DnsRequest): PluginNote {
    const client = req.clientAddress;
    return this.allows(client)
      ? { plugin: "acl", verdict: "passes", reasons: [`client ${client} may use recursion (--allow-recursion)`] }
      : {
          plugin: "acl",
          verdict: "answers",
          reasons: [`client ${client} is outside --allow-recursion: names kdns does not own are REFUSED`],
        };
  }

  serve(req: DnsRequest, next: Next): DnsReply | Promise<DnsReply> {
    if (this.allows(req.clientAddress)) {
      const reply = next(req);
      // A reused (memoized) copy of this answer must pass the same check for its next client.
      if (!(reply instanceof Promise) && reply.type === "raw" && reply.sources) reply.gate = this;
      return reply;
    }
    // RA=0 tells the client recursion is not offered to it (RFC 1035 §4.1.1), hence a raw reply.
    const bytes = writeAnswer(
      req.msg,
      req.query,
      { rcode: RCODE.REFUSED, authoritative: false, recursionAvailable: false },
      undefined,
      udpLimit(req.query.edns),
    );
    return { type: "raw", bytes };
  }
}
