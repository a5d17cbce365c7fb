/**
 * Smooth weighted round-robin (nginx's upstream algorithm): each pick adds every weight to its
 * running score, takes the highest and subtracts the total from it. Exact proportions over every
 * window of `sum(weights)` picks, no randomness, no allocation per pick.
 */

/** Picks indexes in proportion to their weights; weight 0 is never picked. */
export class WeightedPick {
  readonly #weights: number[];
  readonly #current: number[];
  readonly #total: number;
  /** The only index with weight, when there is exactly one (the common case). */
  readonly #single: number;

  constructor(weights: readonly number[]) {
    this.#weights = weights.map((w) => (Number.isFinite(w) && w > 0 ? w : 0));
    this.#current = this.#weights.map(() => 0);
    this.#total = this.#weights.reduce((a, b) => a + b, 0);
    const live = this.#weights.flatMap((w, i) => (w > 0 ? [i] : []));
    this.#single = live.length === 1 ? live[0]! : -1;
  }

  /** The next index, or -1 when no weight is positive. */
  next(): number {
    const best = this.peek();
    if (this.#single >= 0 || this.#total === 0) return best;
    for (let i = 0; i < this.#weights.length; i++) this.#current[i]! += this.#weights[i]!;
    this.#current[best]! -= this.#total;
    return best;
  }

  /** The index {@link next} would return, without moving the scores (`kdns explain route`). */
  peek(): number {
    if (this.#single >= 0 || this.#total === 0) return this.#single;
    let best = -1;
    let bestScore = 0;
    for (let i = 0; i < this.#weights.length; i++) {
      const score = this.#current[i]! + this.#weights[i]!;
      if (best < 0 || score > bestScore) {
        best = i;
        bestScore = score;
      }
    }
    return best;
  }
}
