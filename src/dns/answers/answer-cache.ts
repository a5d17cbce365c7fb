/**
 * Answers built once and served many times: name key (the question's wire key, see
 * ParsedQuery.key) → qtype → ready reply. Entries are dropped when the data behind them changes,
 * never by time (the data is local): by name, or by a group naming the data an answer was built
 * from (a Service). Bounded: when full, it starts over, since rebuilding is cheap and a flood of
 * distinct names must not grow it.
 */
import type { Sections } from "../wire/response.ts";

/**
 * A built answer, kept as the very reply object plugins return, so a hit allocates nothing.
 * `stale` turns true when the cache drops it, for whoever kept a copy of its bytes.
 */
export interface CachedAnswer {
  readonly type: "answer";
  readonly rcode: number;
  readonly authoritative: boolean;
  readonly sections: Sections;
  stale: boolean;
}

/** The cache. */
export class AnswerCache {
  readonly #entries = new Map<string, Map<number, CachedAnswer>>();
  /** group → names with an answer built from it. */
  readonly #groups = new Map<string, Set<string>>();
  readonly #max: number;
  #count = 0;

  constructor(maxEntries = 200_000) {
    this.#max = maxEntries;
  }

  /** The built answer for name and type, if any. */
  get(name: string, qtype: number): CachedAnswer | undefined {
    return this.#entries.get(name)?.get(qtype);
  }

  /** Stores a built answer; `groups` name the data it was built from (see {@link invalidateGroup}). */
  set(name: string, qtype: number, answer: CachedAnswer, groups: readonly string[] = []): void {
    if (this.#count >= this.#max) this.clear();
    for (const group of groups) {
      const names = this.#groups.get(group);
      if (names) names.add(name);
      else this.#groups.set(group, new Set([name]));
    }
    let byType = this.#entries.get(name);
    if (!byType) {
      byType = new Map();
      this.#entries.set(name, byType);
    }
    const previous = byType.get(qtype);
    if (previous) previous.stale = true;
    else this.#count++;
    byType.set(qtype, answer);
  }

  /** Drops every answer of these names. */
  invalidate(names: Iterable<string>): void {
    for (const name of names) {
      const byType = this.#entries.get(name);
      if (!byType) continue;
      this.#count -= byType.size;
      this.#entries.delete(name);
      for (const answer of byType.values()) answer.stale = true;
    }
  }

  /** Drops every answer built from `group`. */
  invalidateGroup(group: string): void {
    const names = this.#groups.get(group);
    if (!names) return;
    this.#groups.delete(group);
    this.invalidate(names);
  }

  /** Drops everything. */
  clear(): void {
    for (const byType of this.#entries.values()) for (const answer of byType.values()) answer.stale = true;
    this.#entries.clear();
    this.#groups.clear();
    this.#count = 0;
  }

  /** Number of cached answers. */
  get size(): number {
    return this.#count;
  }
}
