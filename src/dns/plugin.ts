/**
 * The handler-chain contract (CoreDNS's plugin.Handler): each plugin answers the queries it owns
 * and hands the rest to `next`. Answers for data already in memory return synchronously, so the
 * hot path allocates no promise.
 */
import type { ParsedQuery } from "./wire/query.ts";
import type { Sections } from "./wire/response.ts";

/** One query as the chain sees it. */
export interface DnsRequest {
  /** The raw message as received. */
  msg: Buffer;
  query: ParsedQuery;
  transport: "udp" | "tcp";
  /** Client address (for recursion ACLs and logs). */
  clientAddress: string;
  /** Set only by `explain`: told which upstream (`host:port`) a forwarded answer came from. */
  onUpstream?: (upstream: string) => void;
}

/** What a plugin answers. */
export type DnsReply =
  /** Header bits plus precomputed sections; the server copies the question and writes the rest. */
  | {
      type: "answer";
      rcode: number;
      authoritative: boolean;
      sections: Sections | undefined;
      truncated?: boolean;
      /** Present on an answer held in an answer cache: false while current, true once dropped (see ResponseMemo). */
      stale?: boolean;
    }
  /**
   * A complete message (forwarded or cached); its ID and question already match the query. A
   * fresh cache hit also lists what the bytes depend on (the cache entry and the TTLs they carry,
   * then the data of each plugin that passed the name on): any one `stale` makes them out of date.
   * `gate`, set by the recursion ACL, says which clients may get them.
   */
  | { type: "raw"; bytes: Buffer; sources?: { readonly stale: boolean }[]; gate?: RecursionGate }
  /** Send nothing. */
  | { type: "drop" };

/** Who may receive answers that need recursion (the ACL plugin). */
export interface RecursionGate {
  allows(address: string): boolean;
}

/** The rest of the chain. */
export type Next = (req: DnsRequest) => DnsReply | Promise<DnsReply>;

/** A plugin. */
export interface DnsPlugin {
  readonly name: string;
  serve(req: DnsRequest, next: Next): DnsReply | Promise<DnsReply>;
  /** Starts what the plugin runs in the background (watches, probes) until `signal` aborts. */
  start?(signal: AbortSignal): void;
  /** Whether it has what it needs to answer (e.g. its caches synced); default ready. */
  ready?(): boolean;
  /** Stops watches and timers. */
  close?(): Promise<void>;
  /**
   * Told when a response this plugin gave is sent again from the UDP response memo, which skips
   * the chain: a plugin that counts what it serves (the cache's hits) counts this too.
   */
  servedFromMemo?(response: Buffer): void;
  /**
   * What the plugin would do with `req` and why, read from the same state `serve` reads and
   * changing nothing (`kdns explain dns`). Absent: the plugin passes every query it is not told of.
   */
  explain?(req: DnsRequest): PluginNote;
}

/** One plugin's account of a query, for `kdns explain dns`. */
export interface PluginNote {
  plugin: string;
  /** Whether it answers the query or hands it to the next plugin. */
  verdict: "answers" | "passes";
  /** Why, in sentences. */
  reasons: string[];
  /** The objects the answer is read from, as `Kind namespace/name`. */
  objects?: string[];
  /** A close name that exists, for a name that does not. */
  suggestion?: string;
  /** A cached answer: its age and the seconds left (negative: expired, kept for serve-stale). */
  cache?: { ageSeconds: number; ttlSeconds: number };
  /** Upstreams in the order the next forwarded query tries them. */
  upstreams?: string[];
}

/**
 * Where a query got to in the chain: the index of the last plugin it entered (the plugins' count
 * for the end of the chain). A plugin either answers or passes the query on, so that is the one
 * that answered (CoreDNS's `plugin` label on responses).
 */
export interface ChainTrace {
  reached: number;
}

/** Composes plugins in order; the end of the chain answers `last`. With `trace`, records where each query got to. */
export function chain(plugins: readonly DnsPlugin[], last: Next, trace?: ChainTrace): Next {
  let next: Next = trace
    ? (req) => {
        trace.reached = plugins.length;
        return last(req);
      }
    : last;
  for (let i = plugins.length - 1; i >= 0; i--) {
    const plugin = plugins[i]!;
    const after = next;
    next = trace
      ? (req) => {
          trace.reached = i;
          return plugin.serve(req, after);
        }
      : (req) => plugin.serve(req, after);
  }
  return next;
}
