/**
 * Whole UDP responses kept by the query's bytes (everything after the ID), so a repeated question
 * for data already answered costs one map lookup and nothing else: no parsing, no plugin chain, no
 * writing, not even a copy (the ID and the rest go out as two buffers of one datagram). Only answers that a plugin holds in its answer cache are memoized, and each
 * entry keeps that answer object: the moment the plugin drops it (the data changed), it is marked
 * stale and the memo stops using it. The reply then depends only on those bytes (the question in
 * the client's case, the flags, the EDNS record), never on who asked.
 */
import type { DnsReply } from "../plugin.ts";

/** A reply that an answer cache holds: `stale` turns true when the cache drops it. */
export interface MemoizableAnswer {
  readonly stale: boolean;
}

interface Entry {
  answer: MemoizableAnswer;
  /** The response after its ID. */
  tail: Buffer;
}

/** Queries longer than this are not memoized (keys stay small; real questions are shorter). */
const MAX_QUERY = 300;

/** The memo. */
export class ResponseMemo {
  readonly #entries = new Map<string, Entry>();
  readonly #max: number;

  constructor(maxEntries = 10_000) {
    this.#max = maxEntries;
  }

  /** The key of a query, or undefined when it is not one to memoize. */
  key(msg: Buffer): string | undefined {
    return msg.length <= MAX_QUERY ? msg.toString("latin1", 2, msg.length) : undefined;
  }

  /** The memoized response, as this query's ID (a view into it) followed by the rest, if current. */
  answer(key: string, msg: Buffer): Buffer[] | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.answer.stale) {
      this.#entries.delete(key);
      return undefined;
    }
    return [msg.subarray(0, 2), entry.tail];
  }

  /** Remembers `bytes` as the response to `key` when `reply` is a cached answer. */
  remember(key: string, reply: DnsReply, bytes: Buffer): void {
    if (reply.type !== "answer" || reply.stale !== false) return;
    if (this.#entries.size >= this.#max) this.#entries.clear();
    // Never written to again: sends may still hold it while later ones go out.
    this.#entries.set(key, { answer: reply as MemoizableAnswer, tail: bytes.subarray(2) });
  }
}
