/**
 * Counters and histograms whose label sets are learnt while running, for label values that are
 * not known up front (a gateway's hosts and paths change with its configuration): the caller takes
 * a slot from a {@link LabelSlots} once, the first time it sees a label set, and from then on counts
 * by slot number into typed arrays, as fast-metrics.ts does — no label object, string or map per
 * event. A released slot's series leave the scrape and the slot is reused.
 */
import { FastMetric, type Sample } from "./fast-metrics.ts";

/** What a family does when its slot table grows or a slot is released. */
interface SlotStore {
  grow(capacity: number): void;
  clear(slot: number): void;
}

/** The label sets of one or more families that share them, numbered by slot. */
export class LabelSlots {
  readonly #labels: (Readonly<Record<string, string>> | undefined)[] = [];
  readonly #free: number[] = [];
  readonly #stores: SlotStore[] = [];
  #capacity = 16;

  /** A slot for `labels` (the object is kept, not copied). */
  add(labels: Readonly<Record<string, string>>): number {
    const slot = this.#free.pop() ?? this.#labels.length;
    this.#labels[slot] = labels;
    if (slot >= this.#capacity) {
      while (slot >= this.#capacity) this.#capacity *= 2;
      for (const s of this.#stores) s.grow(this.#capacity);
    }
    return slot;
  }

  /** Drops `slot`'s series from every family; the slot is handed out again later. */
  release(slot: number): void {
    if (this.#labels[slot] === undefined) return;
    this.#labels[slot] = undefined;
    for (const s of this.#stores) s.clear(slot);
    this.#free.push(slot);
  }

  /** The labels of `slot`, or undefined when it is free. */
  labelsOf(slot: number): Readonly<Record<string, string>> | undefined {
    return this.#labels[slot];
  }

  /** How many slots have ever been handed out (the highest slot + 1). */
  get size(): number {
    return this.#labels.length;
  }

  /** @internal A family's arrays, sized now and grown with the table. */
  attach(store: SlotStore): number {
    this.#stores.push(store);
    return this.#capacity;
  }
}

/** Copies `from` into a new array of `length`. */
function grown(from: Float64Array, length: number): Float64Array {
  const to = new Float64Array(length);
  to.set(from);
  return to;
}

/** A counter (or gauge) family over learnt label sets. */
export class LearnedCounter extends FastMetric {
  readonly type: "counter" | "gauge";
  readonly #slots: LabelSlots;
  #values: Float64Array;

  constructor(name: string, help: string, slots: LabelSlots, type: "counter" | "gauge" = "counter") {
    super(name, help);
    this.type = type;
    this.#slots = slots;
    this.#values = new Float64Array(
      slots.attach({
        grow: (n) => {
          this.#values = grown(this.#values, n);
        },
        clear: (slot) => {
          this.#values[slot] = 0;
        },
      }),
    );
  }

  /** Counts `by` (default 1) for `slot`. */
  inc(slot: number, by = 1): void {
    this.#values[slot]! += by;
  }

  /** The value of `slot`. */
  value(slot: number): number {
    return this.#values[slot] ?? 0;
  }

  samples(): Sample[] {
    const out: Sample[] = [];
    for (let i = 0; i < this.#slots.size; i++) {
      const labels = this.#slots.labelsOf(i);
      if (labels !== undefined) out.push({ labels: { ...labels }, value: this.#values[i]! });
    }
    return out;
  }
}

/** A histogram family over learnt label sets, with fixed upper bounds. */
export class LearnedHistogram extends FastMetric {
  readonly type = "histogram" as const;
  readonly #slots: LabelSlots;
  readonly #bounds: Float64Array;
  /** Per slot: one count per bound, then +Inf (not cumulative). */
  #buckets: Float64Array;
  #sums: Float64Array;

  constructor(name: string, help: string, bounds: readonly number[], slots: LabelSlots) {
    super(name, help);
    this.#slots = slots;
    this.#bounds = Float64Array.from(bounds);
    const width = bounds.length + 1;
    const capacity = slots.attach({
      grow: (n) => {
        this.#buckets = grown(this.#buckets, n * width);
        this.#sums = grown(this.#sums, n);
      },
      clear: (slot) => {
        this.#buckets.fill(0, slot * width, (slot + 1) * width);
        this.#sums[slot] = 0;
      },
    });
    this.#buckets = new Float64Array(capacity * width);
    this.#sums = new Float64Array(capacity);
  }

  /** Records `value` for `slot`. */
  observe(slot: number, value: number): void {
    const bounds = this.#bounds;
    let b = 0;
    while (b < bounds.length && value > bounds[b]!) b++;
    this.#buckets[slot * (bounds.length + 1) + b]! += 1;
    this.#sums[slot]! += value;
  }

  /** How many values `slot` has recorded. */
  count(slot: number): number {
    const n = this.#bounds.length + 1;
    let total = 0;
    for (let b = 0; b < n; b++) total += this.#buckets[slot * n + b] ?? 0;
    return total;
  }

  samples(): Sample[] {
    const out: Sample[] = [];
    const n = this.#bounds.length + 1;
    for (let i = 0; i < this.#slots.size; i++) {
      const labels = this.#slots.labelsOf(i);
      const count = this.count(i);
      if (labels === undefined || count === 0) continue;
      let cumulative = 0;
      for (let b = 0; b < n; b++) {
        cumulative += this.#buckets[i * n + b]!;
        const le = b < this.#bounds.length ? this.#bounds[b]! : "+Inf";
        out.push({ metricName: `${this.name}_bucket`, labels: { ...labels, le }, value: cumulative });
      }
      out.push({ metricName: `${this.name}_sum`, labels: { ...labels }, value: this.#sums[i]! });
      out.push({ metricName: `${this.name}_count`, labels: { ...labels }, value: count });
    }
    return out;
  }
}
