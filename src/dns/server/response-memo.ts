/**
 * Whole UDP responses kept by the query's bytes (everything after the ID), so a repeated question
 * for data already answered costs one map lookup and nothing else: no parsing, no plugin chain, no
 * writing, and (while no earlier send still holds it) not even a copy: the query's ID is written
 * into the remembered response, which goes out as it is.
 * Only replies built from something a plugin caches are memoized, and each entry keeps what it was
 * built from: the moment any of that turns stale (the data changed, the answer was dropped, the TTL
 * a cached forwarded answer carries moved on), the memo stops using it. A cluster answer then
 * depends only on those bytes (the question in the client's case, the flags, the EDNS record); a
 * cached forwarded answer also depends on the client (the recursion ACL: `gate`).
 */
import type { DnsReply, RecursionGate } from "../plugin.ts";

/** Something a reply was built from: `stale` turns true once the reply is out of date. */
export interface MemoSource {
  readonly stale: boolean;
}

interface Entry {
  /** What the bytes were built from; any one stale makes them out of date. */
  sources: readonly MemoSource[];
  /** Clients that may get it (answers that needed recursion), or undefined for everyone. */
  gate: RecursionGate | undefined;
  /** The whole response; its first two bytes are whichever ID was last written in. */
  response: Buffer;
  /** What metrics count it by: the question's type, its DO bit, and the plugin that answered. */
  qtype: number;
  dnssecOk: boolean;
  plugin: number;
}

/** What the metrics of a memo hit need to know. */
export type MemoHit = Pick<Entry, "qtype" | "dnssecOk" | "plugin">;

/** Queries longer than this are not memoized (keys stay small; real questions are shorter). */
const MAX_QUERY = 300;

/** The key of a query: every byte after its ID, or undefined when it is not one to memoize. */
function keyOf(msg: Buffer): string | undefined {
  return msg.length <= MAX_QUERY ? msg.toString("latin1", 2, msg.length) : undefined;
}

function isStale(entry: Entry): boolean {
  for (const source of entry.sources) if (source.stale) return true;
  return false;
}

/** The memo. */
export class ResponseMemo {
  readonly #entries = new Map<string, Entry>();
  readonly #max: number;
  /** The entry the last successful {@link answer} came from. */
  lastHit: MemoHit | undefined;

  constructor(maxEntries = 10_000) {
    this.#max = maxEntries;
  }

  /**
   * The memoized response to `msg` for `client` with this query's ID, if current. With `reuse` it
   * is the memo's own buffer, rewritten by the next call: only for a caller that is done with the
   * last one (no send still queued). Otherwise it is a copy.
   */
  answer(msg: Buffer, client: string, reuse: boolean): Buffer | undefined {
    const key = keyOf(msg);
    const entry = key === undefined ? undefined : this.#entries.get(key);
    if (entry === undefined) return undefined;
    if (isStale(entry)) {
      this.#entries.delete(key!);
      return undefined;
    }
    if (entry.gate !== undefined && !entry.gate.allows(client)) return undefined;
    const out = reuse ? entry.response : Buffer.from(entry.response);
    out[0] = msg[0]!;
    out[1] = msg[1]!;
    this.lastHit = entry;
    return out;
  }

  /**
   * Remembers `bytes` as the response to `msg` when `reply` was built from a cache: a cached
   * answer, or a fresh cache hit of a forwarded answer that passed the recursion ACL. `facts` are
   * what a later hit is counted by.
   */
  remember(msg: Buffer, reply: DnsReply, bytes: Buffer, facts: MemoHit): void {
    let entry: Pick<Entry, "sources" | "gate">;
    if (reply.type === "answer" && reply.stale === false) {
      entry = { sources: [reply as MemoSource], gate: undefined };
    } else if (reply.type === "raw" && reply.sources && reply.gate) {
      entry = { sources: reply.sources, gate: reply.gate };
    } else return;
    const key = keyOf(msg);
    if (key === undefined) return;
    if (this.#entries.size >= this.#max) this.#entries.clear();
    // A copy: `bytes` may still be queued for sending, or be a plugin's own buffer.
    this.#entries.set(key, { ...entry, ...facts, response: Buffer.from(bytes) });
  }
}
